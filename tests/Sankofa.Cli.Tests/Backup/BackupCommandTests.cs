using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Cli.Tests.Audit;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Backup;

/// <summary>
/// <c>sankofa backup</c> on an embedded data directory whose server (and embedded anvil) keeps running: the archive
/// holds a live chain dump taken after the database, a restored copy starts and verifies, and bad input is refused
/// with a message naming what is wrong.
/// </summary>
public sealed class BackupCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-backup-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task A_backup_of_a_running_embedded_server_restores_into_a_server_whose_chain_holds_every_root_of_its_store()
    {
        var data = Path.Combine(directory.FullName, "data");
        var archive = Path.Combine(directory.FullName, "backup.tar.gz");
        var ids = new List<long>();
        await using (var server = await ServerProcess.StartAsync(data))
        {
            for (var i = 0; i < 5; i++)
            {
                ids.Add(await RecordAsync(server.Client, i));
            }

            await ChainAudit.WaitAllAnchoredAsync(server.Client, ids, TimeSpan.FromSeconds(60));
            var created = await AuditVerifyTests.RunCliAsync("backup", "create", "--data-dir", data, "--out", archive, "--output", "json");
            Assert.True(created.ExitCode == 0, created.Output + created.Error);
            using var manifest = JsonDocument.Parse(created.Output);
            Assert.StartsWith("live dump", manifest.RootElement.GetProperty("chainState").GetString(), StringComparison.Ordinal);
            var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("mode").GetString());
            Assert.Equal("600", files["ledger/signer.keystore.json"]);
            Assert.Equal("600", files["ledger/keystore-password"]);
            Assert.Contains("ledger/deployment.json", files.Keys);
            Assert.Contains("ledger/anvil-state.json", files.Keys);
            Assert.DoesNotContain("ledger/anvil.pid", files.Keys);
        }

        var copy = Path.Combine(directory.FullName, "restored");
        var restored = await AuditVerifyTests.RunCliAsync("backup", "restore", "--data-dir", copy, "--from", archive);
        Assert.True(restored.ExitCode == 0, restored.Output + restored.Error);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(copy, "ledger", "signer.keystore.json")));
        }

        await using (var server = await ServerProcess.StartAsync(copy))
        {
            var more = await RecordAsync(server.Client, 99);
            var chain = await ChainAudit.WaitAllAnchoredAsync(server.Client, [.. ids, more], TimeSpan.FromSeconds(60));
            Assert.Empty(await ChainAudit.VerifyAsync(server.Client, chain));
            Assert.Equal(5, chain.Count(e => e.Action == "backup.tested" && ids.Contains(e.Id)));
            // The restored chain state loaded: the contracts were not deployed again on an empty chain.
            var deployed = chain.Count(e => e.Action == "ledger.contract.deployed");
            Assert.True(deployed is > 0 and < 10, $"{deployed} contract deployments: the chain state was not restored");
        }
    }

    [Fact]
    public async Task Restore_refuses_a_non_empty_directory_a_damaged_archive_and_a_missing_one()
    {
        var data = Path.Combine(directory.FullName, "data");
        Directory.CreateDirectory(Path.Combine(data, "ledger"));
        await File.WriteAllTextAsync(Path.Combine(data, "ledger", "deployment.json"), "{}");
        var archive = Path.Combine(directory.FullName, "forged.tar.gz");
        // A manifest that lists one file with another digest than its content.
        await using (var file = File.Create(archive))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            var manifest = JsonSerializer.SerializeToUtf8Bytes(new
            {
                format = "sankofa-backup/1", createdAt = DateTimeOffset.UtcNow, sankofaVersion = "test", dataDirectory = "/x", order = Array.Empty<string>(),
                chainState = "none", files = new[] { new { path = "sankofa.db", size = 3, sha256 = new string('0', 64), mode = "600" } },
            });
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(manifest) });
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "sankofa.db") { DataStream = new MemoryStream("abc"u8.ToArray()) });
        }

        var notEmpty = await AuditVerifyTests.RunCliAsync("backup", "restore", "--data-dir", data, "--from", archive);
        Assert.Equal(2, notEmpty.ExitCode);
        Assert.Contains("is not empty", notEmpty.Error, StringComparison.Ordinal);

        var damaged = await AuditVerifyTests.RunCliAsync("backup", "restore", "--data-dir", data, "--from", archive, "--force");
        Assert.Equal(2, damaged.ExitCode);
        Assert.Contains("sankofa.db is 3 bytes with SHA-256", damaged.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "ledger", "deployment.json")), "a refused restore changed the data directory");

        var missing = await AuditVerifyTests.RunCliAsync("backup", "restore", "--data-dir", data, "--from", Path.Combine(directory.FullName, "none.tar.gz"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("none.tar.gz does not exist", missing.Error, StringComparison.Ordinal);

        var notEmbedded = await AuditVerifyTests.RunCliAsync("backup", "create", "--data-dir", data, "--out", Path.Combine(directory.FullName, "b.tar.gz"));
        Assert.Equal(2, notEmbedded.ExitCode);
        Assert.Contains("holds no sankofa.db", notEmbedded.Error, StringComparison.Ordinal);
    }

    private static async Task<long> RecordAsync(HttpClient client, int i)
    {
        using var response = await client.PostAsJsonAsync("api/v1/audit/entries", new { action = "backup.tested", subject = $"item-{i}", payload = new { i } });
        return (await response.Content.ReadFromJsonAsync<AuditEntryResponse>(Json.Options))!.Id;
    }
}
