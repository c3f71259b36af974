using Sankofa.Core.Identity.Credentials;

namespace Sankofa.Core.Tests.Identity.Credentials;

public class EthrDidTests
{
    private const string Address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

    [Fact]
    public void A_did_with_a_hex_chain_id_reads_and_prints_back_in_lower_case()
    {
        Assert.True(EthrDid.TryParse($"did:ethr:0x7A69:{Address}", out var did, out _));

        Assert.Equal(31337, did.ChainId);
        Assert.Equal(Address.ToLowerInvariant(), did.Address);
        Assert.Equal($"did:ethr:0x7a69:{Address.ToLowerInvariant()}", did.ToString());
        Assert.Equal($"eip155:31337:{Address.ToLowerInvariant()}", did.BlockchainAccountId(1));
    }

    [Fact]
    public void The_bare_form_has_no_chain_id_until_placed_on_one()
    {
        Assert.True(EthrDid.TryParse($"did:ethr:{Address}", out var did, out _));

        Assert.Null(did.ChainId);
        Assert.Equal($"did:ethr:0x7a69:{Address.ToLowerInvariant()}", did.OnChain(31337).ToString());
        Assert.Equal($"eip155:31337:{Address.ToLowerInvariant()}", did.BlockchainAccountId(31337));
    }

    [Theory]
    [InlineData(null, "Required.")]
    [InlineData("", "Required.")]
    [InlineData("did:web:example.org", "did:ethr")]
    [InlineData("DID:ETHR:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "did:ethr")]
    [InlineData("did:ethr:mainnet:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "network names are not supported")]
    [InlineData("did:ethr:31337:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "is not a chain id")]
    [InlineData("did:ethr:0x0:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "is not a chain id")]
    [InlineData("did:ethr:0x7a69:0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "is not an Ethereum address")]
    [InlineData("did:ethr:0x7a69:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beazz", "is not an Ethereum address")]
    [InlineData("did:ethr:0x7a69:0x0000000000000000000000000000000000000000", "zero address")]
    [InlineData("did:ethr:0x7a69:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed:extra", "Must be did:ethr")]
    [InlineData("did:ethr:0x02b97c30de767f084ce3080168ee293053ba33b235d7116a3263d29f1450936b71", "is not an Ethereum address")]
    public void Malformed_dids_are_refused_saying_what_is_wrong(string? value, string expected)
    {
        Assert.False(EthrDid.TryParse(value, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
