using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Audit;
using Sankofa.Core.Retention;
using Sankofa.Server.Retention;

namespace Sankofa.Cli.Audit;

/// <summary>
/// <c>sankofa audit archive|archives|delete</c>: retention of the audit log (operator role), and the check of an archive
/// file against the chain alone (<c>sankofa audit verify --archive FILE</c>).
/// </summary>
internal static class ArchiveCommands
{
    /// <summary><c>sankofa audit archive --before T [--dir DIR]</c>: archive, then download the file.</summary>
    public static Command CreateArchive()
    {
        var before = new Option<DateTimeOffset?>("--before") { Description = "Cut-off (ISO 8601): whole anchored batches whose entries are all older are archived.", Required = true };
        var dir = new Option<DirectoryInfo?>("--dir") { Description = "Where to save the archive file (default: the current directory)." };
        var command = new Command("archive", "Archive old audit entries to a file (with their seals, proofs and batches) and remove them from the hot store; their roots stay on chain.") { before, dir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
                var body = JsonSerializer.Serialize(new { before = parse.GetValue(before) }, SankofaApiClient.Json);
                var archive = await api.PostJsonAsync<AuditArchiveResponse>("api/v1/audit/archives", body, cancellationToken);
                var target = Path.Combine((parse.GetValue(dir) ?? new DirectoryInfo(".")).FullName, archive.FileName!);
                await using (var file = File.Create(target))
                {
                    await api.DownloadAsync(archive.File!.TrimStart('/'), file, cancellationToken);
                }

                await using (var read = File.OpenRead(target))
                {
                    var sha = "0x" + Convert.ToHexStringLower(await SHA256.HashDataAsync(read, cancellationToken));
                    if (sha != archive.FileSha256)
                    {
                        await Console.Error.WriteLineAsync($"sankofa audit archive: the downloaded file's SHA-256 {sha} differs from the server's {archive.FileSha256}.");
                        return AuditCommand.Failed;
                    }
                }

                if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { archive, savedTo = target }, SankofaApiClient.Json));
                }
                else
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Archive {archive.Id}: {archive.Entries} entries (sequences {archive.FirstSequence}..{archive.LastSequence}, batches {archive.FirstBatch}..{archive.LastBatch}) saved to {target}; retained until {archive.RetainedUntil:yyyy-MM-dd}."));
                    Console.WriteLine($"Verify it against the chain alone: sankofa audit verify --archive {target}");
                }

                return 0;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"sankofa audit archive: {ex.Message}");
                return AuditCommand.Error;
            }
        });
        return command;
    }

    /// <summary><c>sankofa audit archives</c>: the retention policy and every archive and deletion.</summary>
    public static Command CreateList()
    {
        var command = new Command("archives", "List the retention policies and the archives (and deletions) of old audit entries.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
                var status = await api.GetAsync<RetentionStatusResponse>("api/v1/audit/retention", cancellationToken);
                if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(status, SankofaApiClient.Json));
                    return 0;
                }

                foreach (var policy in status.Policies)
                {
                    Console.WriteLine($"{policy.Kind}: kept {policy.Years} years");
                }

                foreach (var a in status.Archives)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{a.Id,4} {a.Kind,-8} sequences {a.FirstSequence}..{a.LastSequence} ({a.Entries} entries, {a.OldestEntry:yyyy-MM-dd}..{a.NewestEntry:yyyy-MM-dd}) retained until {a.RetainedUntil:yyyy-MM-dd} {a.FileName}"));
                }

                return 0;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"sankofa audit archives: {ex.Message}");
                return AuditCommand.Error;
            }
        });
        return command;
    }

    /// <summary><c>sankofa audit delete --before T</c>: refused by the server unless the entries' retention ended.</summary>
    public static Command CreateDelete()
    {
        var before = new Option<DateTimeOffset?>("--before") { Description = "Cut-off (ISO 8601); at least the retention period (7 years by default) ago.", Required = true };
        var command = new Command("delete", "Delete for good old audit entries whose retention has ended (anything younger is refused).") { before };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
                var at = parse.GetValue(before)!.Value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                var deleted = await api.DeleteAsync<AuditArchiveResponse>($"api/v1/audit/entries?before={Uri.EscapeDataString(at)}", cancellationToken);
                Console.WriteLine(parse.GetValue(SankofaCommand.Output) == OutputFormat.Json
                    ? JsonSerializer.Serialize(deleted, SankofaApiClient.Json)
                    : $"Deleted {deleted.Entries} entries (sequences {deleted.FirstSequence}..{deleted.LastSequence}); their roots stay on chain.");
                return 0;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"sankofa audit delete: {ex.Message}");
                return AuditCommand.Error;
            }
        });
        return command;
    }

    /// <summary>Verifies an archive file against the roots read from the chain: the file and the chain, nothing else.</summary>
    public static async Task<VerificationReport> VerifyFileAsync(FileInfo file, ChainSource chain, CancellationToken cancellationToken)
    {
        AuditArchive archive;
        await using (var stream = file.OpenRead())
        {
            archive = await AuditArchiveFormat.ReadAsync(stream, cancellationToken);
        }

        var roots = await chain.GetRootsAsync(AuditArchiveVerifier.BatchesToRead(archive), cancellationToken);
        var result = AuditArchiveVerifier.Verify(archive, roots);
        var link = archive.Previous is { } p ? $" and links to sequence {p.Sequence} before it." : " from genesis.";
        var summary = result.Status == AuditVerificationStatus.Verified
            ? $"Archive {archive.Id} verified: {result.EntriesChecked} entries (sequences {archive.Entries[0].Seal!.Sequence}..{archive.Entries[^1].Seal!.Sequence}) in {result.BatchesChecked} batches against {chain.RpcUrl} (contract {chain.Contract}); the hash chain is unbroken{link}"
            : $"Archive {archive.Id} FAILED verification: {result.Problems.Count} problem(s).";
        return new VerificationReport(result.Status, summary, result.EntriesChecked, result.BatchesChecked, result.Problems, [], chain.RpcUrl, chain.Contract);
    }
}
