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

    /// <summary>Creation code followed by the ABI-encoded constructor arguments.</summary>
    public byte[] CreationCode(params Nethereum.ABI.ABIValue[] arguments) =>
        [.. Bytecode, .. new Nethereum.ABI.ABIEncode().GetABIEncoded(arguments)];

    /// <summary>Creation code followed by the ABI-encoded constructor argument (one address).</summary>
    public byte[] CreationCode(string constructorAddress)
    {
        var data = new byte[Bytecode.Length + 32];
        Bytecode.CopyTo(data, 0);
        Abi.WriteAddress(data.AsSpan(Bytecode.Length, 32), constructorAddress);
        return data;
    }
}
