using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Cli.Tests.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Compliance;

/// <summary>`sankofa compliance residency` against a real server: the report as JSON, and the server's refusal named.</summary>
public sealed class ResidencyCommandTests : IAsyncLifetime
{
    private TestServer server = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        await CliConfig.SignInAsAdministratorAsync(server.Address);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task The_report_of_a_tenant_without_resources_is_clean_and_an_unknown_tenant_is_named()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await server.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = tenant, quota = new { vcpu = 4, ramMiB = 4096, diskGiB = 100, vms = 2 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var clean = await AuditVerifyTests.RunCliAsync("compliance", "residency", "--tenant", tenant, "--from", "2026-01-01T00:00:00Z", "--server", server.Address.ToString(), "--output", "json");
        var unknown = await AuditVerifyTests.RunCliAsync("compliance", "residency", "--tenant", "no-such-tenant", "--from", "2026-01-01T00:00:00Z", "--server", server.Address.ToString());

        Assert.True(clean.ExitCode == 0, clean.Output + clean.Error);
        using var report = JsonDocument.Parse(clean.Output);
        Assert.Equal(tenant, report.RootElement.GetProperty("tenant").GetString());
        Assert.Equal(0, report.RootElement.GetProperty("flagged").GetInt32());
        Assert.StartsWith("0x", report.RootElement.GetProperty("chain").GetProperty("registry").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no-such-tenant", unknown.Error, StringComparison.Ordinal);
    }
}
