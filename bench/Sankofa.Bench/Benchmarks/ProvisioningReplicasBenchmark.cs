using System.Globalization;
using Npgsql;
using Sankofa.Bench.Harness;
using Sankofa.Ledger.Resources;
using Sankofa.TestSupport;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Issue 17's <b>provision --replicas N</b>: the provisioning benchmark on PostgreSQL, first with one server, then with N
/// servers in this process on one database and one chain (an anvil of its own, reached over HTTP), as the audit
/// benchmark runs its replicas: the first makes the keystore, contracts and personal-data key, the others get copies.
/// Each names itself in its reconciler's leased claims (<c>Provisioning:InstanceId</c>), so all of them take work; the VM
/// requests go round robin over the replicas, as a load balancer spreads them. Both runs against the same emulated
/// sites; the baseline, as in <c>provision</c>, is the Proxmox client alone against that emulator, after both runs.
/// </summary>
internal static class ProvisioningReplicasBenchmark
{
    private const string KeyPassword = "bench-replicas";

    public static async Task RunAsync(ProvisioningBenchmark.Settings s, CancellationToken ct)
    {
        var postgres = BenchPostgres.Server ?? throw new InvalidOperationException("Set SANKOFA_BENCH_POSTGRES to a PostgreSQL connection string (bench/run.sh does).");
        int[] counts = s.Replicas == 1 ? [1] : [1, s.Replicas];
        Report.Section($"Provisioning on PostgreSQL: {s.Vms:N0} VMs over {s.Sites} emulated site clusters, {string.Join(" then ", counts.Select(Replicas))} on one database and one chain");
        Report.Note($"emulator task duration {s.TaskDuration.TotalMilliseconds} ms (clone, configure, start), Proxmox task poll {s.TaskPoll.TotalMilliseconds} ms, " +
            $"Provisioning:Concurrency {s.Concurrency} per replica, {s.Submitters} concurrent submitters; every replica in this process (one machine's cores shared)");
        await using var fleet = await SiteFleet.StartAsync(s.Sites, s.TaskDuration);
        var runs = new List<(int Replicas, ProvisioningBenchmark.ProvisionRun Run)>();
        (double Rate, double Seconds) raw = default;
        foreach (var n in counts)
        {
            var directory = Scratch.NewDirectory($"provisioning-{n}-replicas");
            var replicas = new List<InProcessServer>();
            var clients = new List<HttpClient>();
            ExternalAnvil? chain = null;
            try
            {
                chain = await ExternalAnvil.StartAsync(directory);
                var database = await BenchPostgres.CreateDatabaseAsync(postgres);
                var settings = fleet.ServerSettings(s.Concurrency, s.TaskPoll);
                settings["Store:Provider"] = "postgres";
                settings["Store:ConnectionString"] = database;
                settings["Ledger:RpcUrl"] = chain.RpcUrl.ToString();
                settings["Ledger:KeyPassword"] = KeyPassword;
                var first = Path.Combine(directory, "replica-1");
                // The emulated sites' attestation keys (direct mode keeps them in the data directory) made before any replica
                // starts, so every replica signs for a site with the key the chain has for it, as one site's agent would.
                WriteSiteKeys(Path.Combine(first, "sites"), fleet.Sites);
                for (var r = 1; r <= n; r++)
                {
                    var own = Path.Combine(directory, "replica-" + r.ToString(CultureInfo.InvariantCulture));
                    if (r > 1)
                    {
                        CopyDirectory(Path.Combine(first, "ledger"), Path.Combine(own, "ledger"));
                        CopyDirectory(Path.Combine(first, "sites"), Path.Combine(own, "sites"));
                    }

                    settings["Provisioning:InstanceId"] = "replica-" + r.ToString(CultureInfo.InvariantCulture);
                    replicas.Add(await InProcessServer.StartAsync(own, settings));
                    // Every replica needs the personal-data master key that made the store's keys: the first one's.
                    settings["PersonalData:MasterKeyFile"] = Path.Combine(first, "personal-data.key");
                }

                foreach (var replica in replicas)
                {
                    var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = s.Submitters * 2 }) { BaseAddress = replica.Address, Timeout = TimeSpan.FromMinutes(2) };
                    clients.Add(client);
                    await AdminToken.SignInAsync(client, ct); // each replica issues its own token (no shared issuer needed here)
                }

                var project = await ProvisioningBenchmark.NewProjectAsync(clients[0], s.Vms, ct);
                Report.Note($"{Replicas(n)}:");
                var run = await ProvisioningBenchmark.ProvisionAsync(s, fleet, replicas[0], clients, project, ct, figures: false);
                runs.Add((n, run));
                Report.Note("last claimed by (resources of the run): " + await ClaimsAsync(database, project, ct));
                if (n == counts[^1])
                {
                    raw = await ProvisioningBenchmark.RawBaselineAsync(s, fleet, replicas[0], ct);
                }
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }

                foreach (var replica in replicas)
                {
                    await replica.DisposeAsync();
                }

                if (chain is not null)
                {
                    await chain.DisposeAsync();
                }

                NpgsqlConnection.ClearAllPools();
                Scratch.Delete(directory);
            }
        }

        foreach (var (n, run) in runs)
        {
            Report.Add(new Figure(
                $"provision (postgres, {Replicas(n)}): VMs Verified per second ({run.Verified:N0} of {s.Vms:N0} Verified, {run.Wall:0.0} s wall)",
                run.Rate, "VMs/s", raw.Rate,
                $"Proxmox client clone+configure+start alone against the emulator, {s.Concurrency} in flight, {raw.Seconds:0.0} s",
                ProvisioningBenchmark.GoalVms / 60.0, GoalKind.AtLeast));
        }

        if (runs.Count == 2)
        {
            Report.Note($"{Replicas(runs[1].Replicas)} against 1: {runs[1].Run.Rate / runs[0].Run.Rate:0.00} x the VMs/s; "
                        + $"time to Verified p50 {Stats.Median(runs[0].Run.TimeToVerified):0.0} s -> {Stats.Median(runs[1].Run.TimeToVerified):0.0} s, "
                        + $"CPU per VM {runs[0].Run.Cpu.TotalMilliseconds / Math.Max(1, s.Vms):0.00} -> {runs[1].Run.Cpu.TotalMilliseconds / Math.Max(1, s.Vms):0.00} ms");
        }
    }

    private static string Replicas(int n) => n == 1 ? "1 replica" : $"{n} replicas";

    private static void WriteSiteKeys(string directory, IEnumerable<string> sites)
    {
        Directory.CreateDirectory(directory);
        foreach (var site in sites)
        {
            byte[] key;
            do
            {
                key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            }
            while (!IsKey(key));
            var path = Path.Combine(directory, site + ".key");
            File.WriteAllText(path, Convert.ToHexStringLower(key));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // as the attestor writes them
            }
        }
    }

    private static bool IsKey(byte[] key)
    {
        try
        {
            _ = SiteAttestation.AddressOf(key);
            return true;
        }
        catch (ArgumentException)
        {
            return false; // out of the curve's range (vanishingly rare): draw again, as the attestor does
        }
    }

    /// <summary>How many of the project's resources each replica claimed last (claims are leased, so any replica may carry a resource on).</summary>
    private static async Task<string> ClaimsAsync(string database, string project, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT coalesce(claimed_by, '(none)'), count(*) FROM resources WHERE project_id = @p GROUP BY 1 ORDER BY 1", connection);
        command.Parameters.AddWithValue("p", project);
        var parts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            parts.Add($"{reader.GetString(0)} {reader.GetInt64(1):N0}");
        }

        return string.Join(", ", parts);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
