using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.Tests.Identity.Fakes;

/// <summary>Controller keys numbered in order: a distinct address per identity, no cryptography.</summary>
internal sealed class FakeControllerKeys : IControllerKeyGenerator
{
    private int next;

    public ControllerKey Generate()
    {
        var n = Interlocked.Increment(ref next);
        return new ControllerKey("0x" + n.ToString("x40", System.Globalization.CultureInfo.InvariantCulture), "0x" + n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture));
    }
}
