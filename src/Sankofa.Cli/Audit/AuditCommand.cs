using System.CommandLine;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Audit;

namespace Sankofa.Cli.Audit;

/// <summary><c>sankofa audit …</c>: check the audit log against the chain without trusting the server.</summary>
internal static class AuditCommand
{
    /// <summary>Exit code when everything checked is verified.</summary>
    public const int Verified = 0;

    /// <summary>Exit code when something does not match.</summary>
    public const int Failed = 1;

    /// <summary>Exit code for usage or connection errors.</summary>
    public const int Error = 2;

    /// <summary>Exit code when nothing is wrong but something is not anchored yet.</summary>
    public const int Pending = 3;

    public static Command Create()
    {
        var id = new Argument<long?>("id") { Description = "The entry to verify.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Verify the whole log: every entry, every link of the hash chain, every batch root." };
        var rpcUrl = UriOption.Create("--rpc-url", "Chain JSON-RPC endpoint to read roots from (default: the one the server names).");
        var contract = new Option<string?>("--contract") { Description = "AuditAnchor contract address (default: the one the server names)." };
        var archive = new Option<FileInfo?>("--archive") { Description = "Verify an audit archive file against the chain alone (with --rpc-url and --contract, no server is asked anything)." };
        var verify = new Command("verify", "Verify audit entries against the Merkle roots read directly from the chain.") { id, all, archive, rpcUrl, contract };
        verify.Validators.Add(result =>
        {
            var hasId = result.GetValue(id) is not null;
            var hasAll = result.GetValue(all);
            var hasArchive = result.GetValue(archive) is not null;
            if ((hasId ? 1 : 0) + (hasAll ? 1 : 0) + (hasArchive ? 1 : 0) != 1)
            {
                result.AddError("Give either an entry id, --all or --archive FILE.");
            }
            else if (result.GetValue(id) is < 1)
            {
                result.AddError("The entry id must be a positive number.");
            }
        });
        verify.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.GetValue(SankofaCommand.Output);
            try
            {
                using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
                using var chain = await ChainSource.OpenAsync(api, parse.GetValue(rpcUrl), parse.GetValue(contract), cancellationToken);
                var verifier = new AuditLogVerifier(api, chain);
                var report = parse.GetValue(id) is { } entryId ? await verifier.VerifyEntryAsync(entryId, cancellationToken)
                    : parse.GetValue(archive) is { } file ? await ArchiveCommands.VerifyFileAsync(file, chain, cancellationToken)
                    : await verifier.VerifyAllAsync(cancellationToken);
                Print(report, output);
                return report.ExitCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or Core.Ledger.LedgerUnavailableException or InvalidOperationException or FormatException or IOException)
            {
                await Console.Error.WriteLineAsync($"sankofa audit verify: {ex.Message}");
                return Error;
            }
        });

        return new Command("audit", "The verifiable audit log.")
        {
            verify, ArchiveCommands.CreateArchive(), ArchiveCommands.CreateList(), ArchiveCommands.CreateDelete(),
        };
    }

    private static void Print(VerificationReport report, OutputFormat output)
    {
        if (output == OutputFormat.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, SankofaApiClient.Json));
            return;
        }

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
}

/// <summary>The outcome of <c>sankofa audit verify</c>.</summary>
/// <param name="Status">verified, pending or failed.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="EntriesChecked">Entries checked against the chain.</param>
/// <param name="BatchesChecked">Batches whose on-chain root was read.</param>
/// <param name="Problems">Every mismatch, naming the entry or batch and why.</param>
/// <param name="Pending">What could not be proven yet (not sealed or not anchored).</param>
/// <param name="RpcUrl">Where the roots were read.</param>
/// <param name="Contract">The AuditAnchor contract read.</param>
internal sealed record VerificationReport(
    AuditVerificationStatus Status, string Summary, long EntriesChecked, long BatchesChecked,
    IReadOnlyList<string> Problems, IReadOnlyList<string> Pending, string RpcUrl, string Contract)
{
    public int ExitCode => Status switch
    {
        AuditVerificationStatus.Verified => AuditCommand.Verified,
        AuditVerificationStatus.Pending => AuditCommand.Pending,
        _ => AuditCommand.Failed,
    };
}
