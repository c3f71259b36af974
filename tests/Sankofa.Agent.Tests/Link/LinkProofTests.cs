using System.Security.Cryptography;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Tests.Link;

/// <summary>The link proof: a signature opens one link, for one site, on one chain and registry, once.</summary>
public sealed class LinkProofTests
{
    private const string Registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    [Fact]
    public void The_signer_of_a_link_digest_is_the_site_keys_address()
    {
        var key = NewKey();
        var digest = LinkProof.Digest(31337, Registry, "edge-001", Nonce(1));

        Assert.Equal(LinkProof.AddressOf(key), LinkProof.Signer(digest, LinkProof.Sign(key, digest)));
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
        var key = NewKey();
        var signed = LinkProof.Sign(key, LinkProof.Digest(31337, Registry, "edge-001", Nonce(1)));
        var other = LinkProof.Digest(31337, Registry, "edge-001", Nonce(2));

        Assert.NotEqual(LinkProof.AddressOf(key), LinkProof.Signer(other, signed));
        Assert.Null(LinkProof.Signer(other, signed[..64]));
        Assert.Null(LinkProof.Signer(other, [.. signed[..64], 5]));
    }

    private static byte[] Nonce(byte value) => [.. new byte[31], value];

    private static byte[] NewKey()
    {
        while (true)
        {
            var candidate = RandomNumberGenerator.GetBytes(32);
            try
            {
                _ = LinkProof.AddressOf(candidate);
                return candidate;
            }
            catch (ArgumentException)
            {
                // out of the curve's range: draw again
            }
        }
    }
}
