using Sankofa.Agent.Keys;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Tests.Link;

/// <summary>The link proof: a signature opens one link, for one site, on one chain and registry, once.</summary>
public sealed class LinkProofTests : IDisposable
{
    private const string Registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-link-proof-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void The_signer_of_a_link_digest_is_the_site_keys_address()
    {
        var key = SiteKey.CreateIn(Path.Combine(directory.FullName, "a"));
        var digest = LinkProof.Digest(31337, Registry, "edge-001", Nonce(1));

        Assert.Equal(key.Address, SiteSignatures.Signer(digest, key.Sign(digest)), ignoreCase: true);
    }

    [Fact]
    public void Another_nonce_site_chain_or_registry_makes_another_digest()
    {
        var digest = LinkProof.Digest(31337, Registry, "edge-001", Nonce(1));

        Assert.NotEqual(digest, LinkProof.Digest(31337, Registry, "edge-001", Nonce(2)));
        Assert.NotEqual(digest, LinkProof.Digest(31337, Registry, "edge-002", Nonce(1)));
        Assert.NotEqual(digest, LinkProof.Digest(1, Registry, "edge-001", Nonce(1)));
        Assert.NotEqual(digest, LinkProof.Digest(31337, "0x0000000000000000000000000000000000000001", "edge-001", Nonce(1)));
    }

    [Fact]
    public void A_signature_over_another_digest_or_a_malformed_one_names_no_site_key()
    {
        var key = SiteKey.CreateIn(Path.Combine(directory.FullName, "b"));
        var signed = key.Sign(LinkProof.Digest(31337, Registry, "edge-001", Nonce(1)));
        var other = LinkProof.Digest(31337, Registry, "edge-001", Nonce(2));

        Assert.NotEqual(key.Address.ToLowerInvariant(), SiteSignatures.Signer(other, signed));
        Assert.Null(SiteSignatures.Signer(other, signed[..64]));
        Assert.Null(SiteSignatures.Signer(other, [.. signed[..64], 5]));
    }

    private static byte[] Nonce(byte value) => [.. new byte[31], value];
}
