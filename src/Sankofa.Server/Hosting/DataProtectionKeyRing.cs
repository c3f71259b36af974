using Microsoft.AspNetCore.DataProtection;

namespace Sankofa.Server.Hosting;

/// <summary>
/// Makes the cookies' key ring (data-protection/ in the data directory) exist once the server has started, not at the
/// first sign-in, so an operator can copy the data directory to the next replica right away (docs/operations.md).
/// </summary>
internal sealed class DataProtectionKeyRing(IDataProtectionProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Protecting anything makes the key manager create the default key when there is none yet.
        provider.CreateProtector("Sankofa.KeyRing").Protect([]);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
