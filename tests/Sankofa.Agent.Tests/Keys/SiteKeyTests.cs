using System.Text;
using System.Text.Json;
using Nethereum.ABI;
using Nethereum.Signer;
using Nethereum.Util;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Protocol;
using Sankofa.Agent.Registration;

namespace Sankofa.Agent.Tests.Keys;

/// <summary>`sankofa agent init`'s key store: where the key lives, that it is never replaced, and what its signature proves.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SiteKeyTests : IDisposable
{
    private static readonly ChainBinding Chain = new(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");

    private readonly string root = Directory.CreateTempSubdirectory("sankofa-agent-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static Task<RegistrationRequest> InitAsync(string site, string directory, Func<CancellationToken, Task<ChainBinding>>? chainOf = null) =>
        AgentInit.RunAsync(site, directory, chainOf ?? (_ => Task.FromResult(Chain)), TimeProvider.System, CancellationToken.None);

    [Fact]
    public async Task Init_keeps_the_key_in_a_file_only_its_owner_reads_inside_a_directory_only_its_owner_enters_and_writes_no_secret_elsewhere()
    {
        var directory = Path.Combine(root, "agent");
        // An existing directory others may enter (chmod, whatever the process's umask): init takes that away.
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);

        var registration = await InitAsync("edge-001", directory);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        var keyFile = SiteKey.PathIn(directory);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        var secret = File.ReadAllText(keyFile);
        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.Equal(SiteKey.LoadFrom(directory).Address, registration.Address);
        Assert.DoesNotContain(secret, File.ReadAllText(Path.Combine(directory, RegistrationRequest.FileName)), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, SiteKey.LoadFrom(directory).ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal([RegistrationRequest.FileName, SiteKey.FileName], Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_second_init_refuses_to_replace_the_key_changes_nothing_and_asks_no_server()
    {
        var directory = Path.Combine(root, "agent");
        var first = await InitAsync("edge-001", directory);
        var key = File.ReadAllBytes(SiteKey.PathIn(directory));
        var registration = File.ReadAllBytes(Path.Combine(directory, RegistrationRequest.FileName));
        var asked = 0;

        var refused = await Assert.ThrowsAsync<IOException>(() => InitAsync("edge-001", directory, _ =>
        {
            asked++;
            return Task.FromResult(Chain);
        }));

        Assert.Contains(first.Address, refused.Message, StringComparison.Ordinal);
        Assert.Equal(key, File.ReadAllBytes(SiteKey.PathIn(directory)));
        Assert.Equal(registration, File.ReadAllBytes(Path.Combine(directory, RegistrationRequest.FileName)));
        Assert.Equal(0, asked);
        Assert.Throws<IOException>(() => SiteKey.CreateIn(directory));
        Assert.Equal(key, File.ReadAllBytes(SiteKey.PathIn(directory)));
    }

    [Fact]
    public async Task The_registration_signature_recovers_the_key_address_over_the_contract_digest_and_only_for_its_site_chain_and_contract()
    {
        var directory = Path.Combine(root, "agent");
        var registration = await InitAsync("edge-007", directory);
        var written = JsonSerializer.Deserialize<RegistrationRequest>(File.ReadAllText(Path.Combine(directory, RegistrationRequest.FileName)), RegistrationRequest.Json);
        Assert.Equal(registration, written);
        Assert.Equal((Chain.ChainId, Chain.Registry, "edge-007"), (registration.ChainId, registration.Registry, registration.SiteId));

        // The contract's siteKeyDigest, written out with Nethereum's own abi.encode:
        // keccak256(abi.encode(keccak256("sankofa.site-key.v1"), registry, chainid, keccak256(site), key)).
        var keccak = Sha3Keccack.Current;
        byte[] Digest(string registry, long chainId, string site) => keccak.CalculateHash(new ABIEncode().GetABIEncoded(
            new ABIValue("bytes32", keccak.CalculateHash(Encoding.UTF8.GetBytes("sankofa.site-key.v1"))), new ABIValue("address", registry),
            new ABIValue("uint256", chainId), new ABIValue("bytes32", keccak.CalculateHash(Encoding.UTF8.GetBytes(site))), new ABIValue("address", registration.Address)));
        var digest = Digest(Chain.Registry, Chain.ChainId, "edge-007");
        Assert.Equal(digest, SiteKeyDigest.Compute(Chain.Registry, Chain.ChainId, "edge-007", registration.Address));

        // EIP-191 over the 32-byte digest, recovered by Nethereum as the contract's ecrecover would.
        Assert.Equal(registration.Address, new EthereumMessageSigner().EcRecover(digest, registration.Signature), ignoreCase: true);
        var signature = Convert.FromHexString(registration.Signature.AsSpan(2));
        Assert.Equal(registration.Address, SiteSignatures.Signer(digest, signature), ignoreCase: true);

        // Presented for another site, chain or contract, the same signature names someone else.
        Assert.NotEqual(registration.Address, SiteSignatures.Signer(Digest(Chain.Registry, Chain.ChainId, "edge-008"), signature), StringComparer.OrdinalIgnoreCase);
        Assert.NotEqual(registration.Address, SiteSignatures.Signer(Digest(Chain.Registry, 1, "edge-007"), signature), StringComparer.OrdinalIgnoreCase);
        Assert.NotEqual(registration.Address, SiteSignatures.Signer(Digest("0x0000000000000000000000000000000000000001", Chain.ChainId, "edge-007"), signature),
            StringComparer.OrdinalIgnoreCase);
        Assert.Null(SiteSignatures.Signer(digest, new byte[65]));
    }

    [Fact]
    public void A_site_key_signs_exactly_as_ethereums_signed_message_signer_does_and_the_signature_recovers_its_address()
    {
        var key = SiteKey.CreateIn(Path.Combine(root, "signer"));
        var secret = new EthECKey(File.ReadAllText(Path.Combine(root, "signer", SiteKey.FileName)).Trim());
        for (var i = 0; i < 20; i++)
        {
            var digest = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i));

            var signature = key.Sign(digest);

            Assert.Equal(new EthereumMessageSigner().Sign(digest, secret), "0x" + Convert.ToHexStringLower(signature));
            Assert.Equal(key.Address, SiteSignatures.Signer(digest, signature), ignoreCase: true);
        }
    }

    [Fact]
    public async Task A_server_that_cannot_say_which_chain_leaves_no_key_behind()
    {
        var directory = Path.Combine(root, "agent");

        await Assert.ThrowsAsync<HttpRequestException>(() => InitAsync("edge-001", directory, _ => throw new HttpRequestException("connection refused")));

        Assert.False(File.Exists(SiteKey.PathIn(directory)));
        Assert.False(File.Exists(Path.Combine(directory, RegistrationRequest.FileName)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("edge 001")]
    [InlineData("edge-001\n")]
    public async Task A_bad_site_id_is_refused_before_any_key_is_made(string site)
    {
        var directory = Path.Combine(root, "agent");

        await Assert.ThrowsAsync<ArgumentException>(() => InitAsync(site, directory));

        Assert.False(File.Exists(SiteKey.PathIn(directory)));
    }
}
