using Sankofa.Core.Identity.Accounts;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Identity;

/// <summary>Fresh secp256k1 keys for identities' controller addresses; nothing is kept: the caller hands the key out once.</summary>
public sealed class ControllerKeyGenerator : IControllerKeyGenerator
{
    /// <inheritdoc />
    public ControllerKey Generate()
    {
        using var key = SigningKey.Generate();
        var secret = key.ExportSecret();
        try
        {
            return new ControllerKey(key.Address.ToLowerInvariant(), Hex.Bytes(secret));
        }
        finally
        {
            Array.Clear(secret);
        }
    }
}
