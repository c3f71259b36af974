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

    private async Task<bool> PausedAsync(string registry)
    {
        using var http = new HttpClient();
        using var answer = await http.PostAsJsonAsync(new Uri(h.Server.Address, "chain/rpc"),
            new { jsonrpc = "2.0", id = 1, method = "eth_call", @params = new object[] { new { to = registry, data = "0x5c975abb" }, "latest" } }); // paused()
        var result = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString()!;
        return result.EndsWith('1');
    }
}
