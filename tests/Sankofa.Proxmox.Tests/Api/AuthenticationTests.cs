using System.Net;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Emulator;
using Sankofa.Proxmox.Tests.Infrastructure;

namespace Sankofa.Proxmox.Tests.Api;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task Api_token_authenticates_reads_and_writes()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);

        Assert.Equal("9.1.3", await client.GetVersionAsync());
        var upid = await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100) { Name = "web-1" });
        var task = await client.WaitForTaskAsync(upid);

        Assert.Equal("root@pam!sankofa", task.User);
    }

    [Fact]
    public async Task Ticket_login_authenticates_reads_and_writes_with_the_csrf_token()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster, Emulators.TicketOptions(cluster));

        Assert.Equal(100, await client.GetNextIdAsync());
        var upid = await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100) { Name = "web-1" });
        var task = await client.WaitForTaskAsync(upid);

        Assert.Equal("root@pam", task.User);
        Assert.Contains(100, cluster.VmIds);
    }

    [Fact]
    public async Task Wrong_token_secret_is_an_authentication_failure()
    {
        var cluster = await Emulators.NewClusterAsync();
        var options = Emulators.TokenOptions(cluster);
        options.TokenSecret = "00000000-0000-0000-0000-000000000000";
        using var client = Emulators.Client(cluster, options);

        var error = await Assert.ThrowsAsync<ProxmoxAuthenticationException>(() => client.GetNodesAsync());

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(ProvisioningFailure.Unauthorized, error.Failure);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task Wrong_password_is_an_authentication_failure()
    {
        var cluster = await Emulators.NewClusterAsync();
        var options = Emulators.TicketOptions(cluster);
        options.Password = "wrong";
        using var client = Emulators.Client(cluster, options);

        var error = await Assert.ThrowsAsync<ProxmoxAuthenticationException>(() => client.GetNodesAsync());

        Assert.Equal("authentication failure", error.ProxmoxMessage);
    }

    [Fact]
    public async Task Requests_without_credentials_or_without_csrf_token_get_401()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var http = new HttpClient();

        var anonymous = await http.GetAsync(new Uri(cluster.BaseUrl, "nodes"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("No ticket", anonymous.ReasonPhrase);

        var login = await http.PostAsync(new Uri(cluster.BaseUrl, "access/ticket"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = cluster.Username, ["password"] = cluster.Password }));
        var ticket = System.Text.Json.JsonDocument.Parse(await login.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("ticket").GetString();
        using var write = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.BaseUrl, "nodes/pve1/qemu/9000/clone"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["newid"] = "100" }),
        };
        write.Headers.Add("Cookie", "PVEAuthCookie=" + ticket);
        var withoutCsrf = await http.SendAsync(write);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutCsrf.StatusCode);
        Assert.Equal("Permission denied - invalid csrf token", withoutCsrf.ReasonPhrase);
        Assert.DoesNotContain(100, cluster.VmIds);
    }

    [Fact]
    public async Task An_expired_ticket_is_renewed_by_logging_in_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new ProxmoxEmulatorOptions { TimeProvider = time };
        options.Clusters.Add(new EmulatedClusterOptions { Id = "tickets" });
        await using var emulator = await ProxmoxEmulator.StartAsync(options);
        var cluster = emulator.Cluster("tickets");
        using var client = Emulators.Client(cluster, Emulators.TicketOptions(cluster));
        Assert.NotEmpty(await client.GetNodesAsync());

        // The emulated cluster's clock passes the two-hour ticket lifetime; the client's own clock does not.
        time.Advance(TimeSpan.FromHours(3));

        Assert.NotEmpty(await client.GetNodesAsync());
    }
}
