using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.Tests.Identity.Fakes;

/// <summary>
/// A hasher without the cost (the secret reversed behind a prefix), counting how many checks run at once so a test can see
/// the service's cap on concurrent hashing.
/// </summary>
internal sealed class FakeSecretHasher : ISecretHasher
{
    private int running;
    private int mostAtOnce;

    /// <summary>How long each check takes, so checks started together overlap unless something keeps them apart.</summary>
    public TimeSpan CheckDuration { get; set; }

    public int MostAtOnce => Volatile.Read(ref mostAtOnce);

    public string Hash(string secret) => "fake$" + new string(secret.Reverse().ToArray());

    public bool Verify(string hash, string secret)
    {
        var now = Interlocked.Increment(ref running);
        InterlockedMax(ref mostAtOnce, now);
        try
        {
            if (CheckDuration > TimeSpan.Zero)
            {
                Thread.Sleep(CheckDuration);
            }

            return hash == Hash(secret);
        }
        finally
        {
            Interlocked.Decrement(ref running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
