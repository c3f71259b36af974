using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Cli.Sla;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Sla;

/// <summary>`sankofa sla report` against a real server, emulator and chain, signed in as the platform administrator.</summary>
public sealed class SlaCommandTests : IAsyncLifetime
{
    private ProvisioningHarness h = null!;

    public async Task InitializeAsync()
    {
        h = await ProvisioningHarness.StartAsync(new Dictionary<string, string?> { ["Sla:ProbeInterval"] = "01:00:00" });
        await CliConfig.SignInAsAdministratorAsync(h.Server.Address);
    }

    public async Task DisposeAsync() => await h.DisposeAsync();

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", h.Server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_report_shows_a_vm_stopped_on_its_site_as_a_breach_and_bad_input_names_the_field()
    {
        var project = await h.NewProjectAsync();
        var verified = await h.WaitForAsync((await h.CreateAsync(ProvisioningHarness.Vm(project, "edge-002", "sla-cli"))).Id, ResourceStatus.Verified);
        var providers = h.Server.Services.GetRequiredService<IVirtualMachineProviderFactory>();
        var clock = new FakeTimeProvider(verified.VerifiedAt!.Value.AddMinutes(10));
        var probe = new AvailabilityProbe(h.Server.Services.GetRequiredService<IAvailabilityStore>(), providers, new SlaOptions(), clock);
        await probe.ProbeAsync(CancellationToken.None);
        await providers.Get("edge-002").StopAsync(new VirtualMachineRef(verified.Vm!.Node, verified.Vm.VmId));
        clock.Advance(TimeSpan.FromMinutes(10));
        await probe.ProbeAsync(CancellationToken.None); // down from here
        clock.Advance(TimeSpan.FromMinutes(10));
        await probe.ProbeAsync(CancellationToken.None);

        var period = new[] { "--tenant", verified.TenantId, "--from", verified.VerifiedAt.Value.AddHours(-1).ToString("O"), "--to", verified.VerifiedAt.Value.AddHours(2).ToString("O") };
        var (exit, output, error) = await RunAsync(["sla", "report", .. period]);
        Assert.True(exit == SlaCommand.Ok, error);
        Assert.Contains($"tenant {verified.TenantId}", output, StringComparison.Ordinal);
        Assert.Contains("600 s down of", output, StringComparison.Ordinal);
        Assert.Contains("BREACH: credit 100 %", output, StringComparison.Ordinal);
        Assert.Contains("ongoing", output, StringComparison.Ordinal); // the VM is still stopped

        (exit, output, _) = await RunAsync(["sla", "report", .. period, "--output", "json"]);
        Assert.Equal(SlaCommand.Ok, exit);
        var line = JsonDocument.Parse(output).RootElement.GetProperty("resources")[0];
        Assert.Equal((verified.Id, 600, true), (line.GetProperty("resourceId").GetString(), line.GetProperty("downSeconds").GetInt64(), line.GetProperty("breached").GetBoolean()));

        (exit, _, error) = await RunAsync("sla", "report", "--tenant", verified.TenantId, "--from", "last-week");
        Assert.Equal(SlaCommand.Error, exit);
        Assert.Contains("from", error, StringComparison.Ordinal);

        (exit, _, _) = await RunAsync("sla", "report", "--tenant", "t-nope");
        Assert.Equal(SlaCommand.NotFound, exit);
    }
}
