using Sankofa.Server.Tests.Identity.Accounts;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Hosting;

/// <summary>The data directory holds keys, secrets, the database and the chain's socket: no other local user may read any of it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryModesTests : IDisposable
{
    private const UnixFileMode GroupAndOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("sankofa-modes-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        data.Delete(recursive: true);
    }

    [Fact]
    public async Task A_data_directory_open_to_others_is_closed_at_start_and_everything_the_server_writes_is_the_owners_alone()
    {
        // As an older version (or a careless copy) left it: 0755 and 0644.
        data.UnixFileMode = (UnixFileMode)0b111_101_101;
        var notes = Path.Combine(data.FullName, "operator-notes.txt");
        await File.WriteAllTextAsync(notes, "left here");
        File.SetUnixFileMode(notes, (UnixFileMode)0b110_100_100);
        var logs = new LogCapture();

        await using (var server = await TestServer.StartAsync(data.FullName, configure: logs.AttachTo))
        {
            var id = (await server.RecordAsync()).Id;
            await ChainAudit.WaitAllAnchoredAsync(server.Client, [id], TimeSpan.FromSeconds(60));

            Assert.Empty(OpenToOthers());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, data.UnixFileMode);
            Assert.Contains(logs.Lines, l => l.Contains("took group and other permissions off", StringComparison.Ordinal) && l.Contains(notes, StringComparison.Ordinal));
            Assert.Contains(Entries(), e => e.EndsWith("sankofa.db-wal", StringComparison.Ordinal));
            Assert.Contains(Entries(), e => e.EndsWith("anvil.ipc", StringComparison.Ordinal));
        }

        // anvil writes its state on the way out; that file too.
        Assert.Contains(Entries(), e => e.EndsWith("anvil-state.json", StringComparison.Ordinal));
        Assert.Empty(OpenToOthers());
    }

    private IEnumerable<string> Entries() =>
        data.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Select(e => e.FullName);

    private List<string> OpenToOthers() =>
        [.. data.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(e => (e.UnixFileMode & GroupAndOthers) != 0)
            .Select(e => $"{e.FullName} {e.UnixFileMode}")];
}
