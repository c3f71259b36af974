using System.Globalization;
using Nethereum.Signer;

namespace Sankofa.Cli.Chain;

/// <summary>A node's role in the network, which decides the RPC APIs it serves.</summary>
internal enum QbftNodeRole
{
    /// <summary>Listed in the genesis extraData; proposes, validates and seals blocks.</summary>
    Validator,

    /// <summary>Follows the chain without sealing; the regional entry point of the control planes.</summary>
    ReadReplica,
}

/// <summary>One node of the network: its directory name, role, node key and where its peers reach it.</summary>
internal sealed class QbftNode
{
    private readonly EthECKey _key;

    public QbftNode(string name, QbftNodeRole role, EthECKey key, string host, int p2pPort, int rpcPort)
    {
        Name = name;
        Role = role;
        _key = key;
        Host = host;
        P2pPort = p2pPort;
        RpcPort = rpcPort;
    }

    /// <summary>The node's directory and default host name: validator-1, replica-1...</summary>
    public string Name { get; }

    public QbftNodeRole Role { get; }

    public string Host { get; }

    public int P2pPort { get; }

    public int RpcPort { get; }

    /// <summary>The node key's address, 0x and 40 lower-case hex digits: a validator's identity in the extraData.</summary>
    public string Address => _key.GetPublicAddress().ToLowerInvariant();

    /// <summary>The uncompressed public key without its 0x04 prefix, 128 hex digits: the node id of its enode URL.</summary>
    public string PublicKey => Convert.ToHexStringLower(_key.GetPubKeyNoPrefix());

    /// <summary>The enode URL peers dial and allow-lists name.</summary>
    public string Enode => string.Create(CultureInfo.InvariantCulture, $"enode://{PublicKey}@{Host}:{P2pPort}");

    /// <summary>The private key as Besu's node key file holds it: 0x and 64 hex digits.</summary>
    public string PrivateKeyHex()
    {
        // EthECKey may give the scalar with a sign byte or fewer than 32 bytes; Besu wants exactly 32.
        var bytes = _key.GetPrivateKeyAsBytes().AsSpan().TrimStart((byte)0);
        return "0x" + Convert.ToHexStringLower(bytes).PadLeft(64, '0');
    }
}
