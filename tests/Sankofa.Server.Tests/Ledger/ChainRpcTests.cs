using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Hosting;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Ledger;

/// <summary>
/// The embedded chain as third parties and local processes see it: readable by anyone through the server's read-only
/// endpoint, changeable by nothing but the server (and the data directory's owner through the socket).
/// </summary>
public sealed class ChainRpcTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Dead = "0x000000000000000000000000000000000000dEaD";
    private const string Slot = "0x0000000000000000000000000000000000000000000000000000000000000007";
    private const string One = "0x0000000000000000000000000000000000000000000000000000000000000001";

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task The_ledger_names_the_read_only_endpoint_and_an_audit_entry_verifies_through_it()
    {
        var id = (await Server.RecordAsync(payload: new { through = "chain/rpc" })).Id;
        var chain = await ChainAudit.WaitAllAnchoredAsync(Server.Client, [id], TimeSpan.FromSeconds(60));

        var ledger = (await Server.Anonymous.GetFromJsonAsync<LedgerStatus>("api/v1/ledger", Json.Options))!;

        Assert.Equal(new Uri(Server.Address, "chain/rpc").ToString(), ledger.RpcUrl);
        Assert.Empty(await ChainAudit.VerifyAsync(Server.Client, chain)); // eth_call for the roots, eth_getLogs for the events
    }

    [Fact]
    public async Task The_read_only_endpoint_refuses_every_method_that_changes_the_chain()
    {
        string[] refused =
        [
            "anvil_setStorageAt", "anvil_impersonateAccount", "anvil_setBalance", "anvil_setCode", "eth_sendRawTransaction",
            "eth_sendTransaction", "evm_snapshot", "evm_revert", "evm_mine", "debug_traceTransaction", "eth_newFilter",
        ];
        var batch = refused.Select((method, i) => new { jsonrpc = "2.0", id = $"call-{i}", method, @params = Array.Empty<object>() })
            .Prepend(new { jsonrpc = "2.0", id = "height", method = "eth_blockNumber", @params = Array.Empty<object>() });

        var answers = await PostAsync(batch);

        Assert.Equal(refused.Length + 1, answers.GetArrayLength());
        Assert.StartsWith("0x", answers[0].GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Equal("height", answers[0].GetProperty("id").GetString());
        for (var i = 0; i < refused.Length; i++)
        {
            var answer = answers[i + 1];
            Assert.Equal($"call-{i}", answer.GetProperty("id").GetString());
            Assert.Equal(-32601, answer.GetProperty("error").GetProperty("code").GetInt32());
            Assert.Contains(refused[i], answer.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var single = await PostAsync(new { jsonrpc = "2.0", id = 7, method = "anvil_setStorageAt", @params = new[] { Dead, Slot, One } });
        Assert.Equal(-32601, single.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(7, single.GetProperty("id").GetInt32());
        Assert.Equal(0, await StorageAsync());
    }

    [Fact]
    public async Task The_read_only_endpoint_bounds_its_batches_and_bodies()
    {
        var tooMany = Enumerable.Range(0, 101).Select(i => new { jsonrpc = "2.0", id = i, method = "eth_chainId", @params = Array.Empty<object>() });
        var answer = await PostAsync(tooMany);
        Assert.Equal(-32600, answer.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("at most 100", answer.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var huge = new { jsonrpc = "2.0", id = 1, method = "eth_call", @params = new object[] { new { to = Dead, data = "0x" + new string('a', 2 * 1024 * 1024) }, "latest" } };
        // Its length announced and the headers sent first (as curl sends a large body), so the 413 comes before the
        // upload: a refusal while the client is still writing can otherwise end in a broken pipe instead of the answer.
        using var request = new HttpRequestMessage(HttpMethod.Post, "chain/rpc")
        {
            Content = new StringContent(JsonSerializer.Serialize(huge), Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var response = await Server.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_page_of_another_origin_gets_no_cors_permission()
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, "chain/rpc")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}""", Encoding.UTF8, "application/json"),
        };
        post.Headers.Add("Origin", "https://evil.example");
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "chain/rpc");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var answered = await Server.Anonymous.SendAsync(post);
        using var preflighted = await Server.Anonymous.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.False(answered.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(preflighted.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task No_local_process_can_change_the_embedded_chain_through_anvils_http_port()
    {
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(Server.DataDirectory, "ledger", "anvil.pid")), CultureInfo.InvariantCulture);
        var ports = ListeningPorts(pid);
        Assert.NotEmpty(ports); // anvil always opens its HTTP port: we are looking in the right place

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var port in ports)
        {
            foreach (var call in new[] { ("anvil_impersonateAccount", new object[] { Dead }), ("anvil_setStorageAt", new object[] { Dead, Slot, One }) })
            {
                try
                {
                    using (await http.PostAsJsonAsync($"http://127.0.0.1:{port}/", new { jsonrpc = "2.0", id = 1, method = call.Item1, @params = call.Item2 }))
                    {
                    }
                }
                catch (HttpRequestException)
                {
                    // refused: the port is in anvil's own network namespace
                }
            }
        }

        // Read the way the server does, independently of the read-only endpoint.
        var rpc = Server.Services.GetRequiredService<LedgerRuntime>().Connection.Rpc;
        Assert.Equal(0, Value(await rpc.CallAsync("eth_getStorageAt", CancellationToken.None, Dead, Slot, "latest")));
        Assert.NotEqual(NetworkNamespace("self"), NetworkNamespace(pid.ToString(CultureInfo.InvariantCulture)));

        // The data directory's owner still has a way in, the socket; that is how tests rewind the chain.
        await Server.CallChainAsync("anvil_setStorageAt", Dead, Slot, One);
        Assert.Equal(1, await StorageAsync());
        await Server.CallChainAsync("anvil_setStorageAt", Dead, Slot, "0x" + new string('0', 64));
    }

    [Fact]
    public async Task Headers_read_by_number_are_answered_alike_again_and_never_from_a_lost_tail_mined_again()
    {
        await Server.CallChainAsync("evm_mine");
        var head = (await HeaderAsync("latest")).GetProperty("number").GetString()!;
        var number = long.Parse(head.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        var first = await HeaderAsync(head);
        var again = await HeaderAsync(head);
        var notYet = await PostAsync(new { jsonrpc = "2.0", id = "later", method = "eth_getBlockByNumber", @params = new object[] { Quantity(number + 1_000), false } });

        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal(JsonValueKind.Null, notYet.GetProperty("result").ValueKind); // not mined: asked of the node each time
        Assert.Equal("later", notYet.GetProperty("id").GetString());

        // The chain loses its tail and mines another block at the same number (another miner, so another hash).
        var snapshot = (await Server.CallChainAsync("evm_snapshot")).GetString()!;
        await Server.CallChainAsync("evm_mine");
        var lost = await HeaderAsync(Quantity(number + 1));
        await Server.CallChainAsync("evm_revert", snapshot);
        await Server.CallChainAsync("anvil_setCoinbase", Dead);
        await Server.CallChainAsync("evm_mine");
        await Server.CallChainAsync("evm_mine"); // the head is past the block mined again: only its parent hash tells
        await Server.CallChainAsync("anvil_setCoinbase", first.GetProperty("miner").GetString()!);

        await HeaderAsync("latest"); // what a light client asks first
        var mined = await HeaderAsync(Quantity(number + 1));

        Assert.NotEqual(lost.GetProperty("hash").GetString(), mined.GetProperty("hash").GetString());
        Assert.Equal(first.GetProperty("hash").GetString(), mined.GetProperty("parentHash").GetString());
    }

    private async Task<JsonElement> PostAsync(object body)
    {
        using var response = await Server.Anonymous.PostAsJsonAsync("chain/rpc", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> HeaderAsync(string block)
    {
        var answer = await PostAsync(new { jsonrpc = "2.0", id = 1, method = "eth_getBlockByNumber", @params = new object[] { block, false } });
        Assert.Equal(JsonValueKind.Object, answer.GetProperty("result").ValueKind);
        return answer.GetProperty("result");
    }

    private static string Quantity(long number) => "0x" + number.ToString("x", CultureInfo.InvariantCulture);

    private async Task<int> StorageAsync()
    {
        var answer = await PostAsync(new { jsonrpc = "2.0", id = 1, method = "eth_getStorageAt", @params = new[] { Dead, Slot, "latest" } });
        return Value(answer.GetProperty("result"));
    }

    private static int Value(JsonElement word) =>
        (int)System.Numerics.BigInteger.Parse("0" + word.GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>The TCP ports a process listens on, as its own network namespace lists them.</summary>
    private static List<int> ListeningPorts(int pid) =>
        [.. new[] { "tcp", "tcp6" }
            .Select(table => $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/net/{table}")
            .Where(File.Exists)
            .SelectMany(path => File.ReadLines(path).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[3] == "0A" && IsListeningSocketOf(pid, fields[9]))
            .Select(fields => int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Distinct()];

    private static bool IsListeningSocketOf(int pid, string inode) =>
        Directory.EnumerateFileSystemEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd")
            .Any(fd => new FileInfo(fd).LinkTarget == $"socket:[{inode}]");

    private static string? NetworkNamespace(string process) => new FileInfo($"/proc/{process}/ns/net").LinkTarget;
}
