using System.Text.Json;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>A compiled contract (contracts/build/*.json) embedded in this assembly, so deploying needs no node or solc at run time.</summary>
internal sealed record ContractArtifact(string Name, string AbiJson, byte[] Bytecode)
{
    public static ContractArtifact Load(string name)
    {
        var resource = $"Sankofa.Ledger.Contracts.{name}.json";
        using var stream = typeof(ContractArtifact).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded contract artifact {resource} is missing; run node scripts/compile-contracts.mjs and rebuild.");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        return new ContractArtifact(name, root.GetProperty("abi").GetRawText(), Hex.ToBytes(root.GetProperty("bytecode").GetString()!));
    }

    public static ContractArtifact AuditAnchor { get; } = Load("AuditAnchor");

    public static ContractArtifact ResourceRegistry { get; } = Load("ResourceRegistry");

    public static ContractArtifact IdentityRegistry { get; } = Load("IdentityRegistry");

    public static ContractArtifact SankofaTimelock { get; } = Load("SankofaTimelock");

    public static ContractArtifact SankofaBoard { get; } = Load("SankofaBoard");

    public static ContractArtifact SankofaBilling { get; } = Load("SankofaBilling");

    /// <summary>SankofaCustody: hardware assets' custody (docs/hardware.md).</summary>
    public static ContractArtifact SankofaCustody { get; } = Load("SankofaCustody");

    /// <summary>OpenZeppelin's ERC1967Proxy: AuditAnchor, ResourceRegistry, IdentityRegistry and SankofaBilling each live behind one.</summary>
    public static ContractArtifact SankofaProxy { get; } = Load("SankofaProxy");

    /// <summary>Creation code followed by the ABI-encoded constructor arguments.</summary>
    public byte[] CreationCode(params Nethereum.ABI.ABIValue[] arguments) =>
        [.. Bytecode, .. new Nethereum.ABI.ABIEncode().GetABIEncoded(arguments)];

    /// <summary>
    /// Creation code of a <see cref="SankofaProxy"/> in front of <paramref name="implementation"/>, whose constructor
    /// calls <c>initialize(admin)</c> in the proxy's storage: the same transaction deploys and initialises, so no one can
    /// initialise the proxy first.
    /// </summary>
    public static byte[] ProxyCreationCode(string implementation, string admin)
    {
        var initialize = new byte[36];
        Abi.Selector("initialize(address)").CopyTo(initialize, 0);
        Abi.WriteAddress(initialize.AsSpan(4, 32), admin);
        return ProxyCreationCode(implementation, initialize);
    }

    /// <summary>Creation code of a <see cref="SankofaProxy"/> whose constructor runs <paramref name="initialize"/> (calldata) in its storage.</summary>
    public static byte[] ProxyCreationCode(string implementation, byte[] initialize) =>
        SankofaProxy.CreationCode(new Nethereum.ABI.ABIValue("address", implementation), new Nethereum.ABI.ABIValue("bytes", initialize));
}
