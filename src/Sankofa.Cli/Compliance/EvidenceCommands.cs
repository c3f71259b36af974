using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Cli.Audit;
using Sankofa.Core.Audit;
using Sankofa.Core.Evidence;
using Sankofa.Server.Evidence;

namespace Sankofa.Cli.Compliance;

/// <summary>
/// <c>sankofa compliance evidence run|list|show|download|verify</c>: control evidence per period, and the check of a
/// package against the audit entry that anchors its hash, with that entry's proof read against the chain.
/// </summary>
internal static class EvidenceCommands
{
    private const string Runs = "api/v1/compliance/evidence-runs";

    public static Command Create() => new("evidence", "Control evidence (SOC 2, ISO 27001): runs per period, their JSON packages and PDF reports, and verification against the chain.")
    {
        CreateRun(), CreateList(), CreateShow(), CreateDownload(), CreateVerify(),
    };

    private static Command CreateRun()
    {
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start of the period (ISO 8601); with --to. Default: the previous calendar month (UTC)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End of the period, exclusive; not in the future." };
        var rerun = new Option<bool>("--rerun") { Description = "A new attempt even when the period was run before (else the existing run is shown)." };
        var command = new Command("run", "Collect the evidence of a period, store its package and report, and anchor the package's hash.") { from, to, rerun };
        command.SetAction((parse, cancellationToken) => CallAsync("run", async api =>
        {
            var body = JsonSerializer.Serialize(new { from = parse.GetValue(from), to = parse.GetValue(to), rerun = parse.GetValue(rerun) }, SankofaApiClient.Json);
            Print(await api.PostJsonAsync<EvidenceRunResponse>(Runs, body, cancellationToken), parse);
            return 0;
        }, parse));
        return command;
    }

    private static Command CreateList()
    {
        var before = new Option<long?>("--before") { Description = "Only runs below this id (the 'next' of the previous page)." };
        var limit = new Option<int?>("--limit") { Description = "Page size (1–100, default 20)." };
        var command = new Command("list", "Evidence runs, newest first.") { before, limit };
        command.SetAction((parse, cancellationToken) => CallAsync("list", async api =>
        {
            var query = new List<string>();
            if (parse.GetValue(before) is { } b)
            {
                query.Add("before=" + b.ToString(CultureInfo.InvariantCulture));
            }

            if (parse.GetValue(limit) is { } l)
            {
                query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
            }

            var page = await api.GetAsync<EvidenceRunPageResponse>(Runs + (query.Count > 0 ? "?" + string.Join('&', query) : ""), cancellationToken);
            if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(page, SankofaApiClient.Json));
                return 0;
            }

            foreach (var run in page.Items)
            {
                Console.WriteLine(Line(run));
            }

            if (page.Next is { } next)
            {
                Console.WriteLine($"more: --before {next}");
            }

            return 0;
        }, parse));
        return command;
    }

    private static Command CreateShow()
    {
        var id = new Argument<long>("id") { Description = "The run." };
        var command = new Command("show", "One evidence run.") { id };
        command.SetAction((parse, cancellationToken) => CallAsync("show", async api =>
        {
            Print(await api.GetAsync<EvidenceRunResponse>($"{Runs}/{parse.GetValue(id)}", cancellationToken), parse);
            return 0;
        }, parse));
        return command;
    }

    private static Command CreateDownload()
    {
        var id = new Argument<long>("id") { Description = "The run." };
        var dir = new Option<DirectoryInfo?>("--dir") { Description = "Where to save evidence-run-ID.json and evidence-run-ID.pdf (default: the current directory)." };
        var command = new Command("download", "Save a run's package (the anchored JSON) and its PDF report.") { id, dir };
        command.SetAction((parse, cancellationToken) => CallAsync("download", async api =>
        {
            var run = parse.GetValue(id);
            var directory = (parse.GetValue(dir) ?? new DirectoryInfo(".")).FullName;
            Directory.CreateDirectory(directory);
            var package = Path.Combine(directory, $"evidence-run-{run}.json");
            var report = Path.Combine(directory, $"evidence-run-{run}.pdf");
            await File.WriteAllBytesAsync(package, await api.GetBytesAsync($"{Runs}/{run}/package", cancellationToken), cancellationToken);
            await File.WriteAllBytesAsync(report, await api.GetBytesAsync($"{Runs}/{run}/report", cancellationToken), cancellationToken);
            if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { package, report }, SankofaApiClient.Json));
            }
            else
            {
                Console.WriteLine($"Saved {package} and {report}; check the package with: sankofa compliance evidence verify {run} --file {package}");
            }

            return 0;
        }, parse));
        return command;
    }

    private static Command CreateVerify()
    {
        var id = new Argument<long>("id") { Description = "The run." };
        var file = new Option<FileInfo?>("--file") { Description = "The package to check (default: downloaded from the server)." };
        var rpcUrl = UriOption.Create("--rpc-url", "Chain JSON-RPC endpoint to read the root from (default: the one the server names).");
        var contract = new Option<string?>("--contract") { Description = "AuditAnchor contract address (default: the one the server names)." };
        var command = new Command("verify",
            "Check a package: its SHA-256 against the compliance.evidence.recorded audit entry of the run, and that entry's hash and Merkle proof against the root read from the chain. Exits 0 verified, 1 failed, 3 not anchored yet.")
        {
            id, file, rpcUrl, contract,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
                var run = parse.GetValue(id);
                var bytes = parse.GetValue(file) is { } f ? await File.ReadAllBytesAsync(f.FullName, cancellationToken) : await api.GetBytesAsync($"{Runs}/{run}/package", cancellationToken);
                var shown = await api.GetAsync<EvidenceRunResponse>($"{Runs}/{run}", cancellationToken);
                using var chain = await ChainSource.OpenAsync(api, parse.GetValue(rpcUrl), parse.GetValue(contract), cancellationToken);
                var report = await VerifyAsync(api, chain, run, shown.AuditEntryId, bytes, cancellationToken);
                if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(report, SankofaApiClient.Json));
                }
                else
                {
                    Console.WriteLine(report.Summary);
                    foreach (var problem in report.Problems)
                    {
                        Console.WriteLine("  ✗ " + problem);
                    }

                    foreach (var note in report.Pending)
                    {
                        Console.WriteLine("  … " + note);
                    }
                }

                return report.ExitCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or Core.Ledger.LedgerUnavailableException or InvalidOperationException or FormatException or IOException)
            {
                await Console.Error.WriteLineAsync($"sankofa compliance evidence verify: {ex.Message}");
                return AuditCommand.Error;
            }
        });
        return command;
    }

    /// <summary>
    /// The package's hash against the anchoring entry's payload, the package's own run, attempt and period against the
    /// entry's, and the entry against the chain (<see cref="AuditLogVerifier.VerifyEntryAsync"/>: its payload hash, its
    /// fields' hash, its Merkle proof to the root the chain holds). Nothing the server says is taken without a check.
    /// </summary>
    internal static async Task<VerificationReport> VerifyAsync(SankofaApiClient api, ChainSource chain, long run, long entryId, byte[] package, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var entry = await api.GetEntryAsync(entryId, cancellationToken) ?? throw new InvalidOperationException($"There is no audit entry {entryId} on the server.");
        var hash = "0x" + Convert.ToHexStringLower(EvidenceEncoding.Hash(package));
        if (entry.Action != EvidenceEncoding.Action || entry.Subject != EvidenceEncoding.Subject(run))
        {
            problems.Add($"audit entry {entryId} is '{entry.Action}' of '{entry.Subject}', not '{EvidenceEncoding.Action}' of '{EvidenceEncoding.Subject(run)}'");
        }

        Anchored? anchored = null;
        try
        {
            anchored = entry.Payload is null ? null : JsonSerializer.Deserialize<Anchored>(entry.Payload, SankofaApiClient.Json);
        }
        catch (JsonException)
        {
            problems.Add($"audit entry {entryId}'s payload is not an evidence anchor");
        }

        if (anchored is null)
        {
            problems.Add($"audit entry {entryId} carries no payload to compare the package with");
        }
        else
        {
            if (!string.Equals(anchored.PackageSha256, hash, StringComparison.Ordinal))
            {
                problems.Add($"the package's SHA-256 {hash} differs from the anchored {anchored.PackageSha256} (the package was changed)");
            }

            if (Stated(package) is not { } stated)
            {
                problems.Add("the package is not a sankofa.control-evidence/1 document");
            }
            else if (stated.Run != anchored.Run || stated.Run != run || stated.Attempt != anchored.Attempt || stated.From != anchored.From || stated.To != anchored.To)
            {
                problems.Add($"the package states run {stated.Run} attempt {stated.Attempt} for {stated.From}–{stated.To}; the entry anchors run {anchored.Run} attempt {anchored.Attempt} for {anchored.From}–{anchored.To}");
            }
        }

        var proof = await new AuditLogVerifier(api, chain).VerifyEntryAsync(entryId, cancellationToken);
        problems.AddRange(proof.Problems);
        var status = problems.Count > 0 ? AuditVerificationStatus.Failed : proof.Status;
        var summary = status switch
        {
            AuditVerificationStatus.Verified => $"Evidence run {run} verified: package SHA-256 {hash} is anchored by audit entry {entryId}; {proof.Summary}",
            AuditVerificationStatus.Pending => $"Evidence run {run}: the package matches audit entry {entryId}, which is not anchored yet; nothing is wrong, it cannot be proven yet.",
            _ => $"Evidence run {run} FAILED verification.",
        };
        return proof with { Status = status, Summary = summary, Problems = problems };
    }

    /// <summary>What the package says of itself; null when it is not a package.</summary>
    private static Anchored? Stated(byte[] package)
    {
        try
        {
            using var json = JsonDocument.Parse(package);
            var root = json.RootElement;
            return root.GetProperty("format").GetString() != EvidenceEncoding.Format ? null
                : new Anchored(root.GetProperty("run").GetInt64(), root.GetProperty("attempt").GetInt32(), root.GetProperty("from").GetString()!, root.GetProperty("to").GetString()!, null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static async Task<int> CallAsync(string verb, Func<SankofaApiClient, Task<int>> call, ParseResult parse)
    {
        try
        {
            using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
            return await call(api);
        }
        catch (ApiProblemException ex)
        {
            await Console.Error.WriteLineAsync($"sankofa compliance evidence {verb}: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"sankofa compliance evidence {verb}: {ex.Message}");
            return 2;
        }
    }

    private static void Print(EvidenceRunResponse run, ParseResult parse)
    {
        if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(run, SankofaApiClient.Json));
            return;
        }

        Console.WriteLine(Line(run));
        Console.WriteLine($"  package SHA-256 {run.PackageSha256}, anchored by audit entry {run.AuditEntryId}; created {EvidenceEncoding.Time(run.CreatedAt)} by {run.CreatedBy}");
    }

    private static string Line(EvidenceRunResponse r) => string.Create(CultureInfo.InvariantCulture,
        $"run {r.Id} (attempt {r.Attempt}) {EvidenceEncoding.Time(r.From)} – {EvidenceEncoding.Time(r.To)}: {r.Summary.Pass} pass, {r.Summary.Fail} fail, {r.Summary.NotApplicable} not applicable, {r.Summary.Manual} manual");

    /// <summary>The anchoring entry's payload (and what a package states of itself).</summary>
    private sealed record Anchored(long Run, int Attempt, string From, string To, string? PackageSha256);
}
