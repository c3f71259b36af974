using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Governance;

namespace Sankofa.Cli.Gov;

/// <summary>
/// <c>sankofa gov show|members|proposal|propose|approve|execute|cancel|pause|unpause</c>: the governance board, read from the
/// chain, and a member's acts, each a transaction signed with the member's own key file (docs/governance.md).
/// </summary>
internal static class GovCommand
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: usage, refusal or connection error.</summary>
    public const int Error = 2;

    private static readonly Option<Uri?> RpcUrl = UriOption.CreateNode("--rpc-url",
        "A node of the chain: an http(s) URL or an IPC socket's absolute path; default: the one the server names (read-only for the embedded chain).", recursive: true);
    private static readonly Option<string?> BoardOption = new("--board") { Description = "SankofaBoard's address (default: the one the server names).", Recursive = true };
    private static readonly Option<FileInfo?> KeyFile = new("--key-file") { Description = "The member's private key: a file (mode 0600) holding 0x and 64 hex digits." };

    public static Command Create()
    {
        var gov = new Command("gov", "The governance board: members, proposals and approvals, the timelock, emergency pauses.");
        gov.Options.Add(RpcUrl);
        gov.Options.Add(BoardOption);
        gov.Subcommands.Add(ShowCommand());
        gov.Subcommands.Add(MembersCommand());
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
        var calls = new Option<string[]>("--call") { Description = "A call of the batch, TARGET=0xCALLDATA (repeatable, in order)." };
        var setSiteKey = new Option<string[]>("--set-site-key") { Description = "Register a site's key: SITE=ADDRESS=0xPROOF (the agent's proof, as `sankofa agent list` shows it)." };
        var revokeSiteKey = new Option<string[]>("--revoke-site-key") { Description = "Revoke a site's key: SITE." };
        var failover = new Option<string[]>("--failover") { Description = "Take a site out of placement and move its role: SITE=TO_SITE." };
        var restore = new Option<string[]>("--restore") { Description = "End a site's failover: SITE." };
        var upgrade = new Option<string[]>("--upgrade") { Description = "Upgrade a contract behind its proxy: CONTRACT=IMPLEMENTATION (resource-registry, audit-anchor, identity-registry, billing or an address)." };
        var addControlPlane = new Option<string[]>("--add-control-plane") { Description = "Give a region's control plane key the operational roles: ADDRESS." };
        var removeControlPlane = new Option<string[]>("--remove-control-plane") { Description = "Take a control plane key's operational roles away: ADDRESS." };
        var addMember = new Option<string[]>("--add-member") { Description = "Add a board member: ADDRESS." };
        var removeMember = new Option<string[]>("--remove-member") { Description = "Remove a board member: ADDRESS." };
        var thresholds = new Option<string?>("--thresholds") { Description = "Set the board's thresholds: K:EMERGENCY." };
        var description = new Option<string>("--description") { Description = "What the proposal does (part of its id).", Required = true };
        var command = new Command("propose", "Propose a batch of calls (raw, or the decisions named by the options, in the order given here); your approval counts.")
        {
            calls, setSiteKey, revokeSiteKey, failover, restore, upgrade, addControlPlane, removeControlPlane, addMember, removeMember, thresholds, description, KeyFile,
        };
        command.SetAction((parse, ct) => RunAsync(parse, withKey: true, async (board, ledger) =>
        {
            var batch = new List<(string Target, string Calldata)>();
            foreach (var call in parse.GetValue(calls) ?? [])
            {
                var parts = call.Split('=', 2);
                if (parts.Length != 2 || parts[0].Length != 42 || !parts[1].StartsWith("0x", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"--call '{call}' is not TARGET=0xCALLDATA (TARGET an address).");
                }

                batch.Add((parts[0], parts[1]));
            }

            var contracts = new Lazy<GovernedContracts>(() => ledger is null
                ? throw new ArgumentException("Naming a decision needs the server's contract addresses; give raw --call options when no server is reachable.")
                : new GovernedContracts(board.Board, ledger.AuditAnchorAddress, ledger.ResourceRegistryAddress, ledger.IdentityRegistryAddress, ledger.BillingAddress));
            foreach (var v in parse.GetValue(setSiteKey) ?? [])
            {
                var p = Parts(v, "--set-site-key", "SITE=ADDRESS=0xPROOF", 3);
                batch.Add(BoardDecisions.SetSiteKey(contracts.Value, p[0], p[1], p[2]));
            }

            batch.AddRange((parse.GetValue(revokeSiteKey) ?? []).Select(site => BoardDecisions.RevokeSiteKey(contracts.Value, site)));
            foreach (var v in parse.GetValue(failover) ?? [])
            {
                var p = Parts(v, "--failover", "SITE=TO_SITE", 2);
                batch.Add(BoardDecisions.Failover(contracts.Value, p[0], p[1]));
            }

            batch.AddRange((parse.GetValue(restore) ?? []).Select(site => BoardDecisions.Restore(contracts.Value, site)));
            foreach (var v in parse.GetValue(upgrade) ?? [])
            {
                var p = Parts(v, "--upgrade", "CONTRACT=IMPLEMENTATION", 2);
                batch.Add(BoardDecisions.Upgrade(ContractAddress(p[0], ledger), p[1]));
            }

            batch.AddRange((parse.GetValue(addControlPlane) ?? []).SelectMany(key => BoardDecisions.AddControlPlane(contracts.Value, key)));
            batch.AddRange((parse.GetValue(removeControlPlane) ?? []).SelectMany(key => BoardDecisions.RemoveControlPlane(contracts.Value, key)));
            batch.AddRange((parse.GetValue(addMember) ?? []).Select(member => BoardDecisions.AddMember(contracts.Value, member)));
            batch.AddRange((parse.GetValue(removeMember) ?? []).Select(member => BoardDecisions.RemoveMember(contracts.Value, member)));
            if (parse.GetValue(thresholds) is { } t)
            {
                var p = Parts(t, "--thresholds", "K:EMERGENCY", 2, ':');
                batch.Add(BoardDecisions.SetThresholds(contracts.Value, UInt(p[0], "--thresholds"), UInt(p[1], "--thresholds")));
            }

            if (batch.Count == 0)
            {
                throw new ArgumentException("Nothing to propose: give --call or a decision (--set-site-key, --failover, --upgrade, --add-control-plane, …).");
            }

            var (id, transaction) = await board.ProposeAsync(batch, parse.GetValue(description)!, ct);
            Print(parse, new { id, transaction, calls = batch.Select(c => new { target = c.Target, calldata = c.Calldata }) },
                $"proposed {id} (transaction {transaction})\n" + string.Join('\n', batch.Select(c => $"  call {c.Target} {c.Calldata}")));
            return Ok;
        }));
        return command;
    }

    private static string[] Parts(string value, string option, string form, int count, char separator = '=')
    {
        var parts = value.Split(separator);
        return parts.Length == count && parts.All(p => p.Length > 0) ? parts : throw new ArgumentException($"{option} '{value}' is not {form}.");
    }

    private static uint UInt(string value, string option) =>
        uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{option}: '{value}' is not a whole number.");

    // Wei as ether with up to four decimals; balances on a private chain can exceed decimal's range.
    private static string Ether(System.Numerics.BigInteger wei)
    {
        var whole = System.Numerics.BigInteger.DivRem(wei, System.Numerics.BigInteger.Pow(10, 18), out var rest);
        var fraction = (rest / System.Numerics.BigInteger.Pow(10, 14)).ToString("D4", CultureInfo.InvariantCulture).TrimEnd('0');
        return whole.ToString(CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : string.Empty);
    }

    private static Command MembersCommand()
    {
        var command = new Command("members", "The members: address, what each can spend on gas, and the identity each is the controller of, if any.");
        command.SetAction((parse, ct) => RunAsync(parse, withKey: false, async (board, ledger) =>
        {
            var members = await board.GetMembersAsync(ledger?.IdentityRegistryAddress, ct);
            Print(parse, members.Select(m => new { address = m.Address, balanceWei = m.BalanceWei.ToString(CultureInfo.InvariantCulture), identity = m.IdentityIdHash }),
                string.Join('\n', members.Select(m => string.Create(CultureInfo.InvariantCulture,
                    $"{m.Address}  {Ether(m.BalanceWei)} ETH  {(m.IdentityIdHash is { } id ? "controller of identity " + id : "no identity")}"))));
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

    private static Argument<string> ContractArgument() => new("contract") { Description = "resource-registry, audit-anchor, identity-registry, billing, or a contract's address." };

    private static string ContractAddress(string name, LedgerStatus? ledger) => name switch
    {
        "resource-registry" => ledger?.ResourceRegistryAddress ?? throw new ArgumentException("Name the contract by address when no server is reachable."),
        "audit-anchor" => ledger?.AuditAnchorAddress ?? throw new ArgumentException("Name the contract by address when no server is reachable."),
        "identity-registry" => ledger?.IdentityRegistryAddress ?? throw new ArgumentException("Name the contract by address when no server is reachable."),
        "billing" => ledger?.BillingAddress ?? throw new ArgumentException("Name the contract by address when no server is reachable (or the server has no SankofaBilling)."),
        "custody" => ledger?.CustodyAddress ?? throw new ArgumentException("Name the contract by address when no server is reachable (or the server has no SankofaCustody)."),
        { Length: 42 } address when address.StartsWith("0x", StringComparison.Ordinal) => address,
        _ => throw new ArgumentException($"Unknown contract '{name}': resource-registry, audit-anchor, identity-registry, billing, custody, or an address."),
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
            var key = withKey ? await KeyFiles.ReadAsync(parse.GetValue(KeyFile), "--key-file is required: the member's private key signs this act.") : [];
            using var board = new BoardClient(rpcUrl, boardAddress, key);
            return await action(board, ledger);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or HttpRequestException or ApiProblemException or LedgerUnavailableException or IOException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("gov: " + ex.Message);
            return Error;
        }
    }
}
