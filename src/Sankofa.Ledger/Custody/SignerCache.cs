using System.Collections.Concurrent;

namespace Sankofa.Ledger.Custody;

/// <summary>
/// The identities that signer addresses resolved to on IdentityRegistry (<c>identityOf</c>), kept for
/// <see cref="LedgerOptions.SignerCacheDuration"/>: a supplier registering thousands of assets signs them all with one
/// controller key, and each lookup is an <c>eth_call</c> that costs milliseconds on a chain with a large state
/// (docs/chain.md). Only answers naming an identity are kept, so a key just bound counts at once. A kept answer may be
/// stale only if the key was bound to another identity meanwhile; the contract checks every signature again on chain,
/// so a stale answer costs the event a refusal by the contract (409 naming its reason), never a wrong record.
/// </summary>
internal sealed class SignerCache(TimeSpan duration, int capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (byte[] Identity, DateTimeOffset Until)> _entries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The identity <paramref name="signer"/> resolved to within the last <c>duration</c>, or null.</summary>
    public byte[]? Get(string signer) =>
        _entries.TryGetValue(signer, out var entry) && time.GetUtcNow() < entry.Until ? entry.Identity : null;

    /// <summary>Keeps that <paramref name="signer"/> resolved to <paramref name="identity"/> (a non-zero identity id).</summary>
    public void Remember(string signer, byte[] identity)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_entries.Count >= capacity)
        {
            // Bounded: drop what has expired, and if every entry is still fresh (more live signers than the capacity), all
            // of them; the cache only saves calls, so starting over costs one lookup per signer.
            foreach (var (key, entry) in _entries)
            {
                if (entry.Until <= now)
                {
                    _entries.TryRemove(key, out _);
                }
            }

            if (_entries.Count >= capacity)
            {
                _entries.Clear();
            }
        }

        _entries[signer] = (identity, now + duration);
    }
}
