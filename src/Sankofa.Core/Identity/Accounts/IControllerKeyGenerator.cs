namespace Sankofa.Core.Identity.Accounts;

/// <summary>Makes a fresh secp256k1 key pair for an identity's controller address (its did:ethr). Implemented by the ledger.</summary>
public interface IControllerKeyGenerator
{
    /// <summary>A new key; the caller hands the private key to the account holder once and never stores it.</summary>
    ControllerKey Generate();
}

/// <summary>A controller key pair.</summary>
/// <param name="Address">Ethereum address, 0x-prefixed lower-case hex.</param>
/// <param name="PrivateKey">The private key, 0x-prefixed hex; shown once, never stored nor logged.</param>
public sealed record ControllerKey(string Address, string PrivateKey)
{
    /// <summary>Leaves the private key out, so an accidental log line cannot carry it.</summary>
    public override string ToString() => $"ControllerKey({Address})";
}
