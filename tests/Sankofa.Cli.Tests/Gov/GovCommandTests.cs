using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Signer;
using Sankofa.Cli.Gov;
using Sankofa.Core.Ledger;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Gov;

/// <summary>
/// `sankofa gov` against a server whose contracts belong to a board of two (Ledger:Board; threshold 1, no delay): the
/// board read from the chain through the server's read-only endpoint, and a member pausing ResourceRegistry and the board
/// unpausing it, each a transaction signed with the member's own key file and sent to the embedded chain's socket.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GovCommandTests : IAsyncLifetime
{
    private readonly EthECKey[] _members = [EthECKey.GenerateKey(), EthECKey.GenerateKey()];
    private readonly string _keyFile = Path.Combine(Directory.CreateTempSubdirectory("sankofa-gov-").FullName, "member.key");
    private ProvisioningHarness h = null!;

    public async Task InitializeAsync()
    {
        h = await ProvisioningHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Ledger:Board:Members:0"] = _members[0].GetPublicAddress(),
            ["Ledger:Board:Members:1"] = _members[1].GetPublicAddress(),
            ["Ledger:Board:Threshold"] = "1",
            ["Ledger:Board:Delay"] = "00:00:00",
        });
        CliConfig.Forget(h.Server.Address);
        await File.WriteAllTextAsync(_keyFile, "0x" + _members[0].GetPrivateKey().TrimStart('0', 'x').PadLeft(64, '0'));
        File.SetUnixFileMode(_keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public async Task DisposeAsync()
    {
        await h.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_keyFile)!, recursive: true);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", h.Server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_member_pauses_with_their_key_file_the_board_unpauses_and_everyone_reads_it_from_the_chain()
    {
        var ledger = await h.Server.Services.GetRequiredService<ILedgerStatus>().GetStatusAsync(CancellationToken.None);
        var socket = new Uri(ledger.RpcUrl).LocalPath; // the embedded chain's own socket (DATA/ledger/anvil.ipc): it takes the members' transactions

        var (exit, output, error) = await RunAsync("gov", "show");
        Assert.True(exit == GovCommand.Ok, error);
        Assert.Contains("1 of 2 approvals decide", output, StringComparison.Ordinal);
        Assert.Contains(_members[1].GetPublicAddress(), output, StringComparison.OrdinalIgnoreCase);

        (exit, _, error) = await RunAsync("gov", "pause", "resource-registry", "--key-file", _keyFile);
        Assert.Equal(GovCommand.Error, exit); // the server's endpoint is read-only: a write names where to send it
        Assert.Contains("--rpc-url", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("gov", "pause", "resource-registry", "--key-file", _keyFile, "--rpc-url", socket);
        Assert.True(exit == GovCommand.Ok, error);
        Assert.True(await PausedAsync(ledger.ResourceRegistryAddress));

        (exit, output, error) = await RunAsync("gov", "unpause", "resource-registry", "--key-file", _keyFile, "--rpc-url", socket, "--output", "json");
        Assert.True(exit == GovCommand.Ok, error);
        var id = JsonDocument.Parse(output).RootElement.GetProperty("id").GetString()!;
        (exit, _, error) = await RunAsync("gov", "execute", id, "--key-file", _keyFile, "--rpc-url", socket);
        Assert.True(exit == GovCommand.Ok, error);

        Assert.False(await PausedAsync(ledger.ResourceRegistryAddress));
        (exit, output, _) = await RunAsync("gov", "proposal", id);
        Assert.Equal(GovCommand.Ok, exit);
        Assert.StartsWith($"{id}: executed, 1 approval(s)", output, StringComparison.Ordinal);

        File.SetUnixFileMode(_keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        (exit, _, error) = await RunAsync("gov", "pause", "resource-registry", "--key-file", _keyFile, "--rpc-url", socket);
        Assert.Equal(GovCommand.Error, exit);
        Assert.Contains("chmod 600", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Named_decisions_become_the_calls_of_one_proposal_that_the_chain_carries_out()
    {
        var ledger = await h.Server.Services.GetRequiredService<ILedgerStatus>().GetStatusAsync(CancellationToken.None);
        var socket = new Uri(ledger.RpcUrl).LocalPath;
        var region = EthECKey.GenerateKey().GetPublicAddress().ToLowerInvariant();

        var (exit, output, error) = await RunAsync("gov", "members");
        Assert.True(exit == GovCommand.Ok, error);
        Assert.Contains($"{_members[0].GetPublicAddress()}  1000000000000 ETH  no identity", output, StringComparison.OrdinalIgnoreCase); // funded by the embedded chain

        (exit, _, error) = await RunAsync("gov", "propose", "--failover", "edge-001", "--description", "bad", "--key-file", _keyFile, "--rpc-url", socket);
        Assert.Equal(GovCommand.Error, exit);
        Assert.Contains("--failover 'edge-001' is not SITE=TO_SITE", error, StringComparison.Ordinal);

        (exit, output, error) = await RunAsync("gov", "propose", "--add-control-plane", region, "--failover", "edge-001=edge-002",
            "--description", "Region eu-west joins; edge-001 drill", "--key-file", _keyFile, "--rpc-url", socket, "--output", "json");
        Assert.True(exit == GovCommand.Ok, error);
        var proposed = JsonDocument.Parse(output).RootElement;
        Assert.Equal(5, proposed.GetProperty("calls").GetArrayLength()); // four operational roles (billing's too), then the failover
        (exit, _, error) = await RunAsync("gov", "execute", proposed.GetProperty("id").GetString()!, "--key-file", _keyFile, "--rpc-url", socket);
        Assert.True(exit == GovCommand.Ok, error);

        // On chain, as anyone reads it: the region's key holds the control plane's role, and edge-001 is failed over.
        var role = Convert.ToHexStringLower(Nethereum.Util.Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes("CONTROL_PLANE_ROLE")));
        Assert.EndsWith("1", await CallAsync(ledger.ResourceRegistryAddress, "0x91d14854" + role + region[2..].PadLeft(64, '0')), StringComparison.Ordinal); // hasRole(bytes32,address)
        var edge001 = Convert.ToHexStringLower(Nethereum.Util.Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes("edge-001")));
        var edge002 = Convert.ToHexStringLower(Nethereum.Util.Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes("edge-002")));
        Assert.Equal("0x" + edge002, await CallAsync(ledger.ResourceRegistryAddress, "0x" + Convert.ToHexStringLower(Nethereum.Util.Sha3Keccack.Current.CalculateHash("failoverOf(bytes32)"u8.ToArray())[..4]) + edge001));
    }

    private async Task<string> CallAsync(string to, string data)
    {
        using var http = new HttpClient();
        using var answer = await http.PostAsJsonAsync(new Uri(h.Server.Address, "chain/rpc"),
            new { jsonrpc = "2.0", id = 1, method = "eth_call", @params = new object[] { new { to, data }, "latest" } });
        return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString()!;
    }

    private async Task<bool> PausedAsync(string registry)
    {
        using var http = new HttpClient();
        using var answer = await http.PostAsJsonAsync(new Uri(h.Server.Address, "chain/rpc"),
            new { jsonrpc = "2.0", id = 1, method = "eth_call", @params = new object[] { new { to = registry, data = "0x5c975abb" }, "latest" } }); // paused()
        var result = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString()!;
        return result.EndsWith('1');
    }
}
