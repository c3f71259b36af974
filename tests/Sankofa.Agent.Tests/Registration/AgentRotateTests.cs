using System.Text;
using Nethereum.ABI;
using Nethereum.Util;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Protocol;
using Sankofa.Agent.Registration;

namespace Sankofa.Agent.Tests.Registration;

/// <summary>`sankofa agent rotate` at the site: the next key beside the current one, and what each key signs.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentRotateTests : IDisposable
{
    private static readonly ChainBinding Chain = new(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");

    private readonly string root = Directory.CreateTempSubdirectory("sankofa-agent-rotate-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static Task<RotationRequest> RotateAsync(string directory, Func<CancellationToken, Task<ChainBinding>>? chainOf = null) =>
        AgentRotate.RunAsync(directory, chainOf ?? (_ => Task.FromResult(Chain)), TimeProvider.System, CancellationToken.None);

    [Fact]
    public async Task Rotate_keeps_the_current_key_makes_the_next_one_0600_and_each_key_signs_its_own_digest()
    {
        var directory = Path.Combine(root, "agent");
        var registration = await AgentInit.RunAsync("edge-007", directory, _ => Task.FromResult(Chain), TimeProvider.System, CancellationToken.None);
        var current = File.ReadAllBytes(SiteKey.PathIn(directory));

        var rotation = await RotateAsync(directory);

        Assert.Equal(current, File.ReadAllBytes(SiteKey.PathIn(directory)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SiteKey.PathIn(directory, SiteKey.NextFileName)));
        Assert.Equal((registration.Address, SiteKey.LoadNextFrom(directory).Address, "edge-007"), (rotation.PreviousAddress, rotation.Address, rotation.SiteId));
        Assert.Equal([RegistrationRequest.FileName, RotationRequest.FileName, SiteKey.FileName, SiteKey.NextFileName],
            Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var secret = File.ReadAllText(SiteKey.PathIn(directory, SiteKey.NextFileName));
        Assert.DoesNotContain(secret, File.ReadAllText(Path.Combine(directory, RotationRequest.FileName)), StringComparison.OrdinalIgnoreCase);

        // The contract's siteKeyRotationDigest written out with Nethereum's own abi.encode.
        var keccak = Sha3Keccack.Current;
        var digest = keccak.CalculateHash(new ABIEncode().GetABIEncoded(
            new ABIValue("bytes32", keccak.CalculateHash(Encoding.UTF8.GetBytes("sankofa.site-key-rotation.v1"))), new ABIValue("address", Chain.Registry),
            new ABIValue("uint256", Chain.ChainId), new ABIValue("bytes32", keccak.CalculateHash(Encoding.UTF8.GetBytes("edge-007"))),
            new ABIValue("address", rotation.PreviousAddress), new ABIValue("address", rotation.Address)));
        Assert.Equal(digest, SiteKeyRotationDigest.Compute(Chain.Registry, Chain.ChainId, "edge-007", rotation.PreviousAddress, rotation.Address));
        Assert.Equal(rotation.PreviousAddress, SiteSignatures.Signer(digest, Convert.FromHexString(rotation.RotationSignature.AsSpan(2))), ignoreCase: true);
        var proofDigest = SiteKeyDigest.Compute(Chain.Registry, Chain.ChainId, "edge-007", rotation.Address);
        Assert.Equal(rotation.Address, SiteSignatures.Signer(proofDigest, Convert.FromHexString(rotation.Signature.AsSpan(2))), ignoreCase: true);
        // Neither signature stands for the other: separate tags.
        Assert.NotEqual(rotation.PreviousAddress, SiteSignatures.Signer(proofDigest, Convert.FromHexString(rotation.RotationSignature.AsSpan(2))), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_rotation_under_way_or_a_directory_without_a_key_is_refused_before_any_server_is_asked_and_nothing_changes()
    {
        var directory = Path.Combine(root, "agent");
        await AgentInit.RunAsync("edge-008", directory, _ => Task.FromResult(Chain), TimeProvider.System, CancellationToken.None);
        var first = await RotateAsync(directory);
        var next = File.ReadAllBytes(SiteKey.PathIn(directory, SiteKey.NextFileName));
        var asked = 0;
        Task<ChainBinding> Count(CancellationToken _)
        {
            asked++;
            return Task.FromResult(Chain);
        }

        var again = await Assert.ThrowsAsync<IOException>(() => RotateAsync(directory, Count));
        await Assert.ThrowsAnyAsync<IOException>(() => RotateAsync(Path.Combine(root, "empty"), Count)); // no such directory, so no key

        Assert.Contains(first.Address, again.Message, StringComparison.Ordinal);
        Assert.Equal(next, File.ReadAllBytes(SiteKey.PathIn(directory, SiteKey.NextFileName)));
        Assert.Equal(0, asked);
        Assert.False(Directory.Exists(Path.Combine(root, "empty")));
    }
}
