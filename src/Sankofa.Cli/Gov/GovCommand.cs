using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Governance;

namespace Sankofa.Cli.Gov;

/// <summary>
/// <c>sankofa gov show|proposal|propose|approve|execute|cancel|pause|unpause</c>: the governance board, read from the
/// chain, and a member's acts, each a transaction signed with the member's own key file (docs/governance.md).
/// </summary>
internal static class GovCommand
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: usage, refusal or connection error.</summary>
    public const int Error = 2;

    private static readonly Option<Uri?> RpcUrl = new("--rpc-url")
    {
        Description = "A node of the chain: an http(s) URL or an IPC socket's absolute path; default: the one the server names (read-only for the embedded chain).",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Path.IsPathFullyQualified(text)
                || (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps || url.IsFile)))
            {
                return new Uri(text);
            }

            result.AddError($"--rpc-url must be an absolute http(s) URL or an IPC socket's absolute path, not '{text}'.");
            return null;
        },
    };
    private static readonly Option<string?> BoardOption = new("--board") { Description = "SankofaBoard's address (default: the one the server names).", Recursive = true };
    private static readonly Option<FileInfo?> KeyFile = new("--key-file") { Description = "The member's private key: a file (mode 0600) holding 0x and 64 hex digits." };

    public static Command Create()
    {
        var gov = new Command("gov", "The governance board: members, proposals and approvals, the timelock, emergency pauses.");
        gov.Options.Add(RpcUrl);
        gov.Options.Add(BoardOption);
        gov.Subcommands.Add(ShowCommand());
        gov.Subcommands.Add(ProposalCommand());
        gov.Subcommands.Add(ProposeCommand());
        gov.Subcommands.Add(ActCommand("approve", "Approve a pending proposal (the threshold's approval queues it in the timelock).", (b, id, ct) => b.ApproveAsync(id, ct)));
        gov.Subcommands.Add(ActCommand("execute", "Run a queued proposal whose delay has passed (any member).", (b, id, ct) => b.ExecuteAsync(id, ct)));
        gov.Subcommands.Add(ActCommand("cancel", "Cancel a proposal that has not run.", (b, id, ct) => b.CancelAsync(id, ct)));
        gov.Subcommands.Add(PauseCommand());
        gov.Subcommands.Add(UnpauseCommand());
        return gov;
    }

    private static Command ShowCommand()
    {
        var command = new Command("show", "The board: members, thresholds, timelock and delay.");
        command.SetAction((parse, ct) => RunAsync(parse, withKey: false, async (board, _) =>
        {
            var view = await board.GetAsync(ct);
            Print(parse, view, string.Create(CultureInfo.InvariantCulture,
                $"board {view.Board}, timelock {view.Timelock} (delay {view.Delay})\n{view.Threshold} of {view.Members.Count} approvals decide, {view.EmergencyThreshold} pause at once\nmembers:\n  {string.Join("\n  ", view.Members)}"));
            return Ok;
        }));
        return command;
    }

    private static Command ProposalCommand()
    {
        var id = new Argument<string>("id") { Description = "The proposal's id (0x and 64 hex digits)." };
        var command = new Command("proposal", "One proposal: its calls, state, approvals and when the timelock lets it run.") { id };
        command.SetAction((parse, ct) => RunAsync(parse, withKey: false, async (board, _) =>
        {
            var p = await board.GetProposalAsync(parse.GetValue(id)!, ct);
            Print(parse, p, $"{p.Id}: {p.State}, {p.Approvals} approval(s), proposed by {p.Proposer}{(p.ReadyAt is { } at ? $", ready at {at:u}" : string.Empty)}\n"
                + string.Join('\n', p.Calls.Select(c => $"  call {c.Target} {c.Calldata}")));
            return Ok;
        }));
        return command;
    }

    private static Command ProposeCommand()
    {
        var calls = new Option<string[]>("--call") { Description = "A call of the batch, TARGET=0xCALLDATA (repeatable, in order).", Required = true, AllowMultipleArgumentsPerToken = false };
        var description = new Option<string>("--description") { Description = "What the proposal does (part of its id).", Required = true };
        var command = new Command("propose", "Propose a batch of calls; your approval counts.") { calls, description, KeyFile };
        command.SetAction((parse, ct) => RunAsync(parse, withKey: true, async (board, _) =>
        {
            var batch = new List<(string, string)>();
            foreach (var call in parse.GetValue(calls)!)
            {
                var parts = call.Split('=', 2);
                if (parts.Length != 2 || parts[0].Length != 42 || !parts[1].StartsWith("0x", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"--call '{call}' is not TARGET=0xCALLDATA (TARGET an address).");
                }

                batch.Add((parts[0], parts[1]));
            }

            var (id, transaction) = await board.ProposeAsync(batch, parse.GetValue(description)!, ct);
            Print(parse, new { id, transaction }, $"proposed {id} (transaction {transaction})");
            return Ok;
        }));
        return command;
    }

    private static Command ActCommand(string name, string description, Func<BoardClient, string, CancellationToken, Task<string>> act)
    {
        var id = new Argument<string>("id") { Description = "The proposal's id." };
        var command = new Command(name, description) { id, KeyFile };
        command.SetAction((parse, ct) => RunAsync(parse, withKey: true, async (board, _) =>
        {
            var transaction = await act(board, parse.GetValue(id)!, ct);
            Print(parse, new { id = parse.GetValue(id), transaction }, $"{name}: {parse.GetValue(id)} (transaction {transaction})");
            return Ok;
        }));
        return command;
    }

    private static Command PauseCommand()
    {
        var contract = ContractArgument();
        var command = new Command("pause", "Vote to pause a contract at once (the emergency threshold's vote pauses it).") { contract, KeyFile };
        command.SetAction((parse, ct) => RunAsync(parse, withKey: true, async (board, ledger) =>
        {
            var address = ContractAddress(parse.GetValue(contract)!, ledger);
            var transaction = await board.PauseAsync(address, ct);
            Print(parse, new { contract = address, transaction }, $"pause of {address} voted (transaction {transaction})");
            return Ok;
        }));
        return command;
    }

    private static Command UnpauseCommand()
    {
        var contract = ContractArgument();
        var command = new Command("unpause", "Propose to unpause a contract: an ordinary proposal, through the timelock.") { contract, KeyFile };
        command.SetAction((parse, ct) => RunAsync(parse, withKey: true, async (board, ledger) =>
        {
            var address = ContractAddress(parse.GetValue(contract)!, ledger);
            var (id, transaction) = await board.ProposeAsync([(address, BoardClient.UnpauseCalldata)], $"Unpause {address} ({DateTimeOffset.UtcNow:u})", ct);
            Print(parse, new { id, transaction }, $"proposed {id}: unpause {address} (transaction {transaction})");
            return Ok;
        }));
        return command;
    }

    private static Argument<string> ContractArgument() => new("contract") { Description = "resource-registry, audit-anchor, or a contract's address." };

    private static string ContractAddress(string name, LedgerStatus? ledger) => name switch
    {
        "resource-registry" => ledger?.ResourceRegistryAddress ?? throw new ArgumentException("Name the contract by address when no server is reachable."),
        "audit-anchor" => ledger?.AuditAnchorAddress ?? throw new ArgumentException("Name the contract by address when no server is reachable."),
        { Length: 42 } address when address.StartsWith("0x", StringComparison.Ordinal) => address,
        _ => throw new ArgumentException($"Unknown contract '{name}': resource-registry, audit-anchor, or an address."),
    };

    private static void Print(ParseResult parse, object value, string text) =>
        parse.InvocationConfiguration.Output.WriteLine(parse.GetValue(SankofaCommand.Output) == OutputFormat.Json ? JsonSerializer.Serialize(value, SankofaApiClient.Json) : text);

    private static async Task<int> RunAsync(ParseResult parse, bool withKey, Func<BoardClient, LedgerStatus?, Task<int>> action)
    {
        try
        {
            LedgerStatus? ledger = null;
            var rpcUrl = parse.GetValue(RpcUrl);
            var boardAddress = parse.GetValue(BoardOption);
            if (rpcUrl is null || boardAddress is null || withKey)
            {
                using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
                ledger = await api.GetLedgerAsync(CancellationToken.None);
            }

            if (withKey && rpcUrl is null && ledger!.Embedded)
            {
                throw new ArgumentException("The server's chain endpoint is read-only: give --rpc-url of a node that takes transactions "
                    + "(for `sankofa up`, the embedded chain's socket DATA/ledger/anvil.ipc on the same machine).");
            }

            rpcUrl ??= new Uri(ledger!.RpcUrl);
            boardAddress ??= ledger!.BoardAddress ?? throw new ArgumentException("The server's contracts belong to no board (Ledger:Board is not configured).");
            var key = withKey ? await ReadKeyAsync(parse.GetValue(KeyFile)) : [];
            using var board = new BoardClient(rpcUrl, boardAddress, key);
            return await action(board, ledger);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or HttpRequestException or ApiProblemException or LedgerUnavailableException or IOException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("gov: " + ex.Message);
            return Error;
        }
    }

    private static async Task<byte[]> ReadKeyAsync(FileInfo? file)
    {
        if (file is null)
        {
            throw new ArgumentException("--key-file is required: the member's private key signs this act.");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file.FullName) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new ArgumentException($"Key file {file.FullName} can be read by others; chmod 600 it.");
        }

        var text = (await File.ReadAllTextAsync(file.FullName)).Trim();
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return hex.Length == 64 ? Convert.FromHexString(hex) : throw new ArgumentException($"Key file {file.FullName} does not hold 0x and 64 hex digits.");
    }
}
