using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Emulator;
using Sankofa.Proxmox.Tests.Infrastructure;

namespace Sankofa.Proxmox.Tests.Emulator;

public sealed class ProxmoxEmulatorTests
{
    [Fact]
    public async Task Unknown_and_invalid_parameters_get_Proxmox_400_with_an_error_per_parameter()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.BaseUrl, "nodes/pve1/qemu/9000/clone"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["newid"] = "42", ["colour"] = "blue" }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"PVEAPIToken={cluster.TokenId}={cluster.TokenSecret}");

        var response = await http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Parameter verification failed.", response.ReasonPhrase);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
        Assert.Equal("value must have a minimum value of 100\n", body.GetProperty("errors").GetProperty("newid").GetString());
        Assert.Equal("property is not defined in schema and the schema does not allow additional properties\n", body.GetProperty("errors").GetProperty("colour").GetString());
    }

    [Fact]
    public async Task A_path_or_method_outside_the_api_is_not_implemented()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"PVEAPIToken={cluster.TokenId}={cluster.TokenSecret}");

        var response = await http.DeleteAsync(new Uri(cluster.BaseUrl, "nodes"));

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal("Method 'DELETE /api2/json/nodes' not implemented", response.ReasonPhrase);
    }

    [Fact]
    public async Task Two_hundred_fifty_clusters_share_one_listener_with_separate_state()
    {
        var options = new ProxmoxEmulatorOptions { TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(50)) };
        for (var i = 1; i <= 250; i++)
        {
            options.Clusters.Add(new EmulatedClusterOptions { Id = $"edge-{i:000}", TokenSecret = $"secret-{i}" });
        }

        await using var emulator = await ProxmoxEmulator.StartAsync(options);

        Assert.Equal(250, emulator.Clusters.Count);
        Assert.Equal(new Uri(emulator.Address, "clusters/edge-042/api2/json/"), emulator.BaseUrl("edge-042"));
        using var first = Emulators.Client(emulator.Cluster("edge-001"));
        using var last = Emulators.Client(emulator.Cluster("edge-250"));
        await first.WaitForTaskAsync(await first.CloneAsync("pve", 9000, new ProxmoxCloneOptions(100)));
        Assert.Equal(101, await first.GetNextIdAsync());
        Assert.Equal(100, await last.GetNextIdAsync());

        // One cluster's token does not open another cluster.
        var options250 = Emulators.TokenOptions(emulator.Cluster("edge-250"));
        options250.TokenSecret = "secret-1";
        using var wrong = Emulators.Client(emulator.Cluster("edge-250"), options250);
        await Assert.ThrowsAsync<ProxmoxAuthenticationException>(() => wrong.GetNodesAsync());
    }

    [Fact]
    public async Task The_http_fault_api_fails_tasks_and_takes_nodes_offline()
    {
        var cluster = await Emulators.NewClusterAsync();
        var emulator = await Emulators.SharedAsync();
        using var http = new HttpClient();
        var faults = new Uri(emulator.Address, $"_emulator/clusters/{cluster.Id}/faults");
        using var client = Emulators.Client(cluster);

        var fail = await http.PostAsJsonAsync(faults, new { kind = "fail-task", taskType = "qmclone", exitStatus = "clone failed: injected" });
        var offline = await http.PostAsJsonAsync(faults, new { kind = "node-online", node = "pve2", online = false });
        var bad = await http.PostAsJsonAsync(faults, new { kind = "meteor" });

        Assert.Equal(HttpStatusCode.NoContent, fail.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, offline.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var error = await Assert.ThrowsAsync<ProxmoxTaskFailedException>(async () => await client.WaitForTaskAsync(await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100))));
        Assert.Equal("clone failed: injected", error.ExitStatus);
        Assert.Equal("offline", (await client.GetNodesAsync()).Single(n => n.Node == "pve2").Status);
    }

    [Fact]
    public async Task Https_with_a_self_signed_certificate_is_accepted_only_when_its_fingerprint_is_pinned()
    {
        var options = new ProxmoxEmulatorOptions { UseHttps = true };
        options.Clusters.Add(new EmulatedClusterOptions { Id = "tls" });
        await using var emulator = await ProxmoxEmulator.StartAsync(options);
        var cluster = emulator.Cluster("tls");
        Assert.Equal("https", cluster.BaseUrl.Scheme);

        var pinned = Emulators.TokenOptions(cluster);
        pinned.CertificateFingerprint = emulator.CertificateFingerprint;
        using var trusting = Emulators.Client(cluster, pinned);
        Assert.Equal("9.1.3", await trusting.GetVersionAsync());

        using var untrusting = Emulators.Client(cluster);
        await Assert.ThrowsAsync<ProxmoxUnavailableException>(() => untrusting.GetVersionAsync());

        var wrongPin = Emulators.TokenOptions(cluster);
        wrongPin.CertificateFingerprint = new string('A', 64);
        using var wrong = Emulators.Client(cluster, wrongPin);
        await Assert.ThrowsAsync<ProxmoxUnavailableException>(() => wrong.GetVersionAsync());
    }
}
