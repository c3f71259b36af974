using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sankofa.Cli.Vm;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Vm;

/// <summary>`sankofa vm` against a real server, the Proxmox emulator and the embedded chain.</summary>
public sealed class VmCommandTests : IAsyncLifetime
{
    private ProvisioningHarness h = null!;

    public async Task InitializeAsync()
    {
        h = await ProvisioningHarness.StartAsync();
        await CliConfig.SignInAsAdministratorAsync(h.Server.Address);
    }

    public async Task DisposeAsync() => await h.DisposeAsync();

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        // The command's own writers, not Console: the in-process server logs to the console meanwhile.
        var output = new StringWriter();
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", h.Server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = TextWriter.Null });
        return (exit, output.ToString());
    }

    private async Task SetVCpuAsync(string id, int vcpu)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(h.DataDirectory, "sankofa.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // The server answers a resource from the row's kept answer (list_json) while its version matches the row's, so a
        // database made to lie changes that too; dropping it makes the server answer from the altered columns.
        command.CommandText = $"UPDATE resources SET vcpu = {vcpu}, list_json = NULL WHERE id = '{id}'";
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task Create_waits_for_Verified_verify_reads_the_chain_and_catches_a_lying_server_and_delete_removes_the_vm()
    {
        var project = await h.NewProjectAsync();
        var (exit, output) = await RunAsync("vm", "create", "--project", project, "--name", "cli-1", "--vcpu", "2", "--ram", "2048", "--disk", "20",
            "--site", "edge-003", "--ssh-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq0 ops@example", "--user", "ops", "--output", "json", "--timeout", "00:01:00");
        Assert.True(exit == VmCommand.Ok, output);
        var created = JsonDocument.Parse(output).RootElement;
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("verified", created.GetProperty("status").GetString());

        (exit, output) = await RunAsync("vm", "verify", id, "--output", "json");
        Assert.Equal(VmCommand.Ok, exit);
        Assert.Equal("verified", JsonDocument.Parse(output).RootElement.GetProperty("status").GetString());

        (exit, output) = await RunAsync("vm", "list", "--project", project);
        Assert.Equal(VmCommand.Ok, exit);
        Assert.Contains(id, output, StringComparison.Ordinal);

        // The server's database now claims a bigger VM than the one recorded and attested on chain.
        await SetVCpuAsync(id, 64);
        (exit, output) = await RunAsync("vm", "verify", id);
        Assert.Equal(VmCommand.Failed, exit);
        Assert.Contains("✗ the spec hash recomputed here", output, StringComparison.Ordinal);
        await SetVCpuAsync(id, 2);

        (exit, _) = await RunAsync("vm", "delete", id, "--timeout", "00:01:00");
        Assert.Equal(VmCommand.Ok, exit);
        Assert.Empty(h.VmsOf("edge-003", id));

        (exit, _) = await RunAsync("vm", "show", "vm-does-not-exist");
        Assert.Equal(VmCommand.Failed, exit);
    }
}
