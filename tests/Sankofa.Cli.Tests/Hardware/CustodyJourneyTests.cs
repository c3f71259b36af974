using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sankofa.Cli.Hardware;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Hardware;

/// <summary>
/// Custody with the CLI as the parties use it, against a real server, the Proxmox emulator and the embedded chain: a
/// supplier registers a server and its NIC with its own key, hands each to a carrier (each side signs on its own
/// machine: the sender's signature alone records nothing), an inspector attests them, the carrier installs them at
/// edge-001-h01. A VM that requires verified hardware lands there, and `vm provenance --verify` checks it from the
/// chain alone; a custody event changed in the store behind the API's back is caught. The parties' keys are the ones the
/// identity API returned for them, each written to a 0600 file only that party's commands read.
/// </summary>
public sealed class CustodyJourneyTests : IAsyncLifetime
{
    private readonly string _files = Directory.CreateTempSubdirectory("sankofa-custody-").FullName;
    private ProvisioningHarness h = null!;

    public async Task InitializeAsync()
    {
        h = await ProvisioningHarness.StartAsync();
        await CliConfig.SignInAsAdministratorAsync(h.Server.Address);
    }

    public async Task DisposeAsync()
    {
        await h.DisposeAsync();
        Directory.Delete(_files, recursive: true);
    }

    [Fact]
    public async Task Parties_sign_the_custody_chain_with_their_own_keys_and_the_vm_provenance_verifies_from_the_chain_until_the_store_is_changed()
    {
        var supplier = await PartyAsync("supplier");
        var carrier = await PartyAsync("carrier");
        var inspector = await PartyAsync("inspector");
        var run = Guid.NewGuid().ToString("N")[..6];
        var (server, nic) = ($"srv-{run}", $"nic-{run}");

        var (exit, output, error) = await RunAsync("assets", "register", server, "--kind", "server", "--manufacturer", "Acme", "--model", "R750", "--serial", "SN-" + run,
            "--firmware", "bios=2.1", "--firmware", "bmc=5.10", "--host", "edge-001-h01", "--document", await FileAsync("invoice.txt", "invoice " + run),
            "--key-file", supplier.KeyFile, "--party", supplier.Id);
        Assert.True(exit == 0, output + error);
        (exit, output, error) = await RunAsync("assets", "register", nic, "--kind", "nic", "--manufacturer", "Acme", "--model", "X710", "--serial", "NIC-" + run,
            "--server-id", server, "--document", await FileAsync("invoice.txt", "invoice " + run), "--key-file", carrier.KeyFile, "--party", carrier.Id);
        Assert.True(exit != 0, "a carrier is no supplier: " + output);
        (exit, output, error) = await RunAsync("assets", "register", nic, "--kind", "nic", "--manufacturer", "Acme", "--model", "X710", "--serial", "NIC-" + run,
            "--server-id", server, "--document", await FileAsync("invoice.txt", "invoice " + run), "--key-file", supplier.KeyFile, "--party", supplier.Id);
        Assert.True(exit == 0, output + error);

        var packing = await FileAsync("packing.txt", "packing list " + run);
        foreach (var asset in new[] { server, nic })
        {
            // The sender signs alone: nothing is recorded, its signature is printed for the receiver.
            (exit, output, error) = await RunAsync("--output", "json", "assets", "transfer", asset, "--to", carrier.Id, "--document", packing, "--key-file", supplier.KeyFile);
            Assert.True(exit == 0, output + error);
            var signed = JsonDocument.Parse(output).RootElement;
            Assert.Equal(supplier.Id, (await ShowAsync(asset)).GetProperty("custodian").GetString());

            (exit, output, error) = await RunAsync("assets", "transfer", asset, "--to", carrier.Id, "--document-hash", signed.GetProperty("documentHash").GetString()!,
                "--as", "receiver", "--signature", signed.GetProperty("signature").GetString()!, "--key-file", carrier.KeyFile);
            Assert.True(exit == 0, output + error);
            Assert.Equal(carrier.Id, (await ShowAsync(asset)).GetProperty("custodian").GetString());

            (exit, output, error) = await RunAsync("assets", "inspect", asset, "--passed", "--document", await FileAsync("report.txt", "firmware measured " + asset),
                "--key-file", inspector.KeyFile, "--party", inspector.Id);
            Assert.True(exit == 0, output + error);
            (exit, output, error) = await RunAsync("assets", "install", asset, "--host", "edge-001-h01", "--document", await FileAsync("photo.txt", "rack photo " + asset),
                "--key-file", carrier.KeyFile);
            Assert.True(exit == 0, output + error);
        }

        (exit, output, error) = await RunAsync("assets", "show", server);
        Assert.True(exit == 0, error);
        Assert.Contains("custody whole", output, StringComparison.Ordinal);
        Assert.Contains("#1 transfer", output, StringComparison.Ordinal);

        var project = await h.NewProjectAsync();
        var vm = JsonSerializer.SerializeToNode(ProvisioningHarness.Vm(project, "edge-001", "prov-1"))!.AsObject();
        vm["requireVerifiedHardware"] = true;
        var placed = await h.CreateAsync(vm);
        Assert.Equal("edge-001-h01", placed.Placement.HostId);
        await h.WaitForAsync(placed.Id, Core.Provisioning.ResourceStatus.Verified); // its placement is on chain

        (exit, output, error) = await RunAsync("vm", "provenance", placed.Id, "--verify");
        Assert.True(exit == 0, output + error);
        Assert.Contains($"server {server}", output, StringComparison.Ordinal);
        Assert.Contains($"component {nic}", output, StringComparison.Ordinal);
        Assert.Contains("verified against the chain", output, StringComparison.Ordinal);

        // A server that names another host for the VM (h02 here) is caught: --verify reads the host from ResourceRegistry.
        var shown = (await h.Client.GetFromJsonAsync<Sankofa.Server.Hardware.ProvenanceResponse>($"api/v1/resources/{placed.Id}/provenance", Json.Options))!;
        var ledger = await h.Client.GetFromJsonAsync<JsonElement>("api/v1/ledger");
        using (var registry = new Sankofa.Ledger.Resources.ResourceRegistryReader(new Uri(ledger.GetProperty("rpcUrl").GetString()!), ledger.GetProperty("resourceRegistryAddress").GetString()!))
        {
            var onChain = await registry.GetAsync(placed.Id, default);
            Assert.Empty(ProvenanceCommand.PlacementProblems(shown, onChain));
            var moved = Assert.Single(ProvenanceCommand.PlacementProblems(shown with { HostId = "edge-001-h02" }, onChain));
            Assert.Contains($"the chain's ResourceRegistry places {placed.Id} on host 0x", moved, StringComparison.Ordinal);
            Assert.Contains("not on edge-001-h02", moved, StringComparison.Ordinal);
            Assert.Contains("holds no record", Assert.Single(ProvenanceCommand.PlacementProblems(shown, null)), StringComparison.Ordinal);
        }

        // Behind the API's back, the store now says the NIC came from the inspector: the chain says otherwise.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(h.DataDirectory, "sankofa.db")}"))
        {
            await db.OpenAsync();
            await using var update = db.CreateCommand();
            update.CommandText = "UPDATE custody_events SET actor = $actor WHERE asset_id = $id AND sequence = 1";
            update.Parameters.AddWithValue("$actor", inspector.Id);
            update.Parameters.AddWithValue("$id", nic);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        (exit, output, _) = await RunAsync("vm", "provenance", placed.Id, "--verify");
        Assert.Equal(3, exit);
        Assert.Contains($"event #1 of {nic}: the chain holds another signing party", output, StringComparison.Ordinal);
    }

    private async Task<JsonElement> ShowAsync(string asset) => await h.Client.GetFromJsonAsync<JsonElement>($"api/v1/assets/{asset}");

    private async Task<string> FileAsync(string name, string content)
    {
        var path = Path.Combine(_files, Guid.NewGuid().ToString("N")[..6] + "-" + name);
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    // A service identity holding the role, its controller key in a 0600 file (the key only it holds).
    private async Task<(string Id, string KeyFile)> PartyAsync(string role)
    {
        var clientId = "m-" + Guid.NewGuid().ToString("N")[..10];
        using var created = await h.Client.PostAsJsonAsync("api/v1/identities/services", new { clientId, roles = new[] { role } });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        var file = Path.Combine(_files, clientId + ".key");
        await File.WriteAllTextAsync(file, body.GetProperty("controllerPrivateKey").GetString()!);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var id = body.GetProperty("identity").GetProperty("id").GetString()!;
        await ClientCredentials.RequestAsync(h.Server.Address, id, body.GetProperty("clientSecret").GetString()!); // waits until the chain lists it and its role
        return (id, file);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", h.Server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
