using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Cli.Audit;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Ledger;
using Sankofa.Ledger.Billing;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Billing;

namespace Sankofa.Cli.Billing;

/// <summary>
/// <c>sankofa billing runs|invoices|show|verify|sign|dispute|resolve|settle|deposit|statement</c> (docs/billing.md). The
/// parties' commands read what they sign from the chain itself and sign with the identity's own controller key, which
/// never leaves this machine; only the signature goes to the server, which relays it.
/// </summary>
internal static class InvoiceCommands
{
    private static readonly Option<Uri?> RpcUrl = UriOption.CreateNode("--rpc-url",
        "A node of the chain to read: an http(s) URL or an IPC socket's absolute path (default: the one the server names).");
    private static readonly Option<string?> Contract = new("--contract") { Description = "SankofaBilling's address (default: the one the server names)." };
    private static readonly Option<string?> AuditContract = new("--audit-contract")
    {
        Description = "AuditAnchor's address, whose roots prove the evidence (default: the one the server names).",
    };
    private static readonly Option<int> PageSize = EvidencePageSize();
    private static readonly Option<FileInfo?> KeyFile = new("--key-file") { Description = "Your identity's controller key: a file (mode 0600) holding 0x and 64 hex digits." };

    public static IEnumerable<Command> Create() =>
        [RunsCommand(), InvoicesCommand(), ShowCommand(), VerifyCommand(), SignCommand(), DisputeCommand(), ResolveCommand(), SettleCommand(), DepositCommand(), StatementCommand()];

    private static Command RunsCommand()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant." };
        var runs = new Command("runs", "Billing runs, newest period first: their state, and what a waiting run waits for.") { tenant };
        runs.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var page = await api.GetAsync<InvoicePageResponse>(Query("api/v1/billing/invoices", ("tenant", parse.GetValue(tenant)), ("limit", "500")), ct);
            BillingCommand.Print(parse, page, string.Join('\n', page.Items.Select(i => string.Create(CultureInfo.InvariantCulture,
                $"{i.Id,-36} {i.Tenant,-16} {i.PeriodStart:yyyy-MM-dd HH}h → {i.PeriodEnd:yyyy-MM-dd HH}h  {Name(i.Status),-9} {(i.WaitingFor is { } w ? "waits for " + w : "")}"))
                .Prepend($"{page.Items.Count} run(s)")));
        }));

        var start = new Command("start", "Start billing runs (billing-admin): a tenant or every tenant with usage; a period on whole hours, or last month.")
        {
            tenant,
        };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start of the period, UTC, on the hour (with --to)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End of the period (exclusive), on the hour." };
        start.Options.Add(from);
        start.Options.Add(to);
        start.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var body = JsonSerializer.Serialize(new BillingRunBody(parse.GetValue(tenant), parse.GetValue(from), parse.GetValue(to)), SankofaApiClient.Json);
            var started = await api.PostJsonAsync<IReadOnlyList<InvoiceResponse>>("api/v1/billing/runs", body, ct);
            BillingCommand.Print(parse, started, string.Join('\n', started.Select(i => $"{i.Id}  {Name(i.Status)}{(i.WaitingFor is { } w ? ", waits for " + w : "")}")
                .Prepend($"{started.Count} run(s)")));
        }));
        runs.Subcommands.Add(start);
        return runs;
    }

    private static Command InvoicesCommand()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant." };
        var status = new Option<string?>("--status") { Description = "Only this status: issued, disputed, final, voided, settled…" };
        var invoices = new Command("invoices", "Invoices, newest period first: total, status and who has signed.") { tenant, status };
        invoices.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var page = await api.GetAsync<InvoicePageResponse>(
                Query("api/v1/billing/invoices", ("tenant", parse.GetValue(tenant)), ("status", parse.GetValue(status)), ("limit", "500")), ct);
            var built = page.Items.Where(i => i.Total is not null).ToList();
            BillingCommand.Print(parse, built, string.Join('\n', built.Select(i => string.Create(CultureInfo.InvariantCulture,
                $"{i.Id,-36} {i.Tenant,-16} {i.Currency} {i.TotalText,12}  {Name(i.Status),-9} {Signed(i)}")).Prepend($"{built.Count} invoice(s)")));
        }));
        return invoices;
    }

    private static Command ShowCommand()
    {
        var id = new Argument<string>("invoice") { Description = "The invoice id." };
        var pdf = new Option<FileInfo?>("--pdf") { Description = "Also save the invoice as a PDF to this file." };
        var csv = new Option<FileInfo?>("--csv") { Description = "Also save the invoice as CSV to this file." };
        var show = new Command("show", "One invoice: its lines per project and resource, SLA credits, totals, hash and state on chain.") { id, pdf, csv };
        show.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var path = $"api/v1/billing/invoices/{Uri.EscapeDataString(parse.GetValue(id)!)}";
            var i = await api.GetAsync<InvoiceResponse>(path, ct);
            var saved = new List<string>();
            foreach (var (file, kind) in new[] { (parse.GetValue(pdf), "pdf"), (parse.GetValue(csv), "csv") })
            {
                if (file is not null)
                {
                    await File.WriteAllBytesAsync(file.FullName, await api.GetBytesAsync($"{path}/{kind}", ct), ct);
                    saved.Add($"saved {kind.ToUpperInvariant()} to {file.FullName}");
                }
            }

            BillingCommand.Print(parse, i, string.Join('\n', saved.Prepend(Describe(i))));
        }));
        return show;
    }

    private static Command VerifyCommand()
    {
        var id = new Argument<string>("invoice") { Description = "The invoice id." };
        var verify = new Command("verify",
            "Recompute the invoice on this machine from its sealed usage and availability hours, their Merkle proofs and the price book, with roots, "
            + "prices and the issued hash read from the chain itself; exit 0 only when it matches.") { id, RpcUrl, Contract, AuditContract, PageSize };
        verify.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var result = await VerifyAsync(api, parse.GetValue(id)!, parse.GetValue(RpcUrl), parse.GetValue(Contract), parse.GetValue(AuditContract), parse.GetValue(PageSize), ct);
            BillingCommand.Print(parse, result, Report(result));
            if (result.Status != AuditVerificationStatus.Verified)
            {
                throw new VerificationFailedException();
            }
        }));
        return verify;
    }

    private static Command SignCommand()
    {
        var id = new Argument<string>("invoice") { Description = "The invoice id." };
        var sign = new Command("sign",
            "Verify the invoice (as `verify` does), then approve it with your identity's controller key (EIP-712 InvoiceApproval over the hash the chain holds): "
            + "as the customer, or as an auditor after the dispute window.") { id, KeyFile, RpcUrl, Contract, AuditContract, PageSize };
        sign.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var invoiceId = parse.GetValue(id)!;
            var check = await VerifyAsync(api, invoiceId, parse.GetValue(RpcUrl), parse.GetValue(Contract), parse.GetValue(AuditContract), parse.GetValue(PageSize), ct);
            if (check.Status != AuditVerificationStatus.Verified)
            {
                BillingCommand.Print(parse, check, Report(check) + "\nNot signed: dispute it instead (`sankofa billing dispute`).");
                throw new VerificationFailedException();
            }

            var signature = await SignAsync(api, parse, invoiceId, (contract, chainId, hash) => BillingTypedData.Approval(contract, chainId, LedgerIds.Of(invoiceId), hash), ct);
            var after = await api.PostJsonAsync<InvoiceResponse>($"api/v1/billing/invoices/{Uri.EscapeDataString(invoiceId)}/approvals",
                JsonSerializer.Serialize(new SignatureBody(signature), SankofaApiClient.Json), ct);
            BillingCommand.Print(parse, after, $"{Report(check)}\nApproved: invoice {invoiceId} is {Name(after.Status)}. {Signed(after)}");
        }));
        return sign;
    }

    private static Command DisputeCommand()
    {
        var id = new Argument<string>("invoice") { Description = "The invoice id." };
        var reason = new Option<string>("--reason") { Description = "Why: recorded on chain with the dispute.", Required = true };
        var dispute = new Command("dispute", "Dispute the invoice (the customer), signed with your identity's controller key; an auditor resolves it.")
        {
            id, reason, KeyFile, RpcUrl, Contract,
        };
        dispute.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var (invoiceId, why) = (parse.GetValue(id)!, parse.GetValue(reason)!);
            var signature = await SignAsync(api, parse, invoiceId, (contract, chainId, hash) => BillingTypedData.Dispute(contract, chainId, LedgerIds.Of(invoiceId), hash, why), ct);
            var after = await api.PostJsonAsync<InvoiceResponse>($"api/v1/billing/invoices/{Uri.EscapeDataString(invoiceId)}/disputes",
                JsonSerializer.Serialize(new DisputeBody(why, signature), SankofaApiClient.Json), ct);
            BillingCommand.Print(parse, after, $"Disputed: invoice {invoiceId} is {Name(after.Status)}; an auditor resolves it.");
        }));
        return dispute;
    }

    private static Command ResolveCommand()
    {
        var id = new Argument<string>("invoice") { Description = "The invoice id." };
        var upheld = new Option<bool>("--upheld") { Description = "The customer is right: the invoice is voided (and issued again corrected)." };
        var rejected = new Option<bool>("--rejected") { Description = "The invoice stands: it becomes final." };
        var resolve = new Command("resolve", "Resolve a dispute (an auditor), signed with your identity's controller key.") { id, upheld, rejected, KeyFile, RpcUrl, Contract };
        resolve.Validators.Add(r =>
        {
            if (r.GetValue(upheld) == r.GetValue(rejected))
            {
                r.AddError("Give exactly one of --upheld and --rejected.");
            }
        });
        resolve.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var (invoiceId, up) = (parse.GetValue(id)!, parse.GetValue(upheld));
            var signature = await SignAsync(api, parse, invoiceId, (contract, chainId, hash) => BillingTypedData.Resolution(contract, chainId, LedgerIds.Of(invoiceId), hash, up), ct);
            var after = await api.PostJsonAsync<InvoiceResponse>($"api/v1/billing/invoices/{Uri.EscapeDataString(invoiceId)}/resolutions",
                JsonSerializer.Serialize(new ResolutionBody(up, signature), SankofaApiClient.Json), ct);
            BillingCommand.Print(parse, after, $"Resolved: invoice {invoiceId} is {Name(after.Status)}.");
        }));
        return resolve;
    }

    private static Command SettleCommand()
    {
        var id = new Argument<string>("invoice") { Description = "The invoice id." };
        var settle = new Command("settle", "Settle a final invoice from the tenant's credit now (the server also does as soon as the credit covers it).") { id };
        settle.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var invoiceId = parse.GetValue(id)!;
            var after = await api.PostJsonAsync<InvoiceResponse>($"api/v1/billing/invoices/{Uri.EscapeDataString(invoiceId)}/settlement", "{}", ct);
            BillingCommand.Print(parse, after, $"Invoice {invoiceId} is {Name(after.Status)}{(after.Chain.SettleTransaction is { } tx ? " in transaction " + tx : "")}.");
        }));
        return settle;
    }

    private static Command DepositCommand()
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant credited.", Required = true };
        var currency = new Option<string>("--currency") { Description = "ISO 4217 code (USD).", Required = true };
        var amount = new Option<long>("--amount") { Description = "Minor units (cents for USD).", Required = true };
        var reference = new Option<string>("--reference") { Description = "The payment's reference: recorded once.", Required = true };
        var deposit = new Command("deposit", "Record a payment received off chain as the tenant's credit (billing-admin).") { tenant, currency, amount, reference };
        deposit.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var d = await api.PostJsonAsync<DepositResponse>("api/v1/billing/deposits", JsonSerializer.Serialize(
                new DepositRequest(parse.GetValue(tenant), parse.GetValue(currency), parse.GetValue(amount), parse.GetValue(reference)), SankofaApiClient.Json), ct);
            BillingCommand.Print(parse, d, string.Create(CultureInfo.InvariantCulture,
                $"Deposit {d.Reference}: {d.Amount} minor units of {d.Currency} for {d.Tenant}, {(d.Transaction is { } tx ? "credited on chain in " + tx : "to be credited on chain once it answers")}."));
        }));
        return deposit;
    }

    private static Command StatementCommand()
    {
        var tenant = new Option<string?>("--tenant") { Description = "The tenant (default: yours, when you have one)." };
        var currency = new Option<string?>("--currency") { Description = "The currency (default: the invoices')." };
        var statement = new Command("statement", "A tenant's statement of account: its credit on chain, deposits, invoices and what is outstanding.") { tenant, currency };
        statement.SetAction((parse, ct) => BillingCommand.RunAsync(parse, async api =>
        {
            var s = await api.GetAsync<StatementResponse>(Query("api/v1/billing/statement", ("tenant", parse.GetValue(tenant)), ("currency", parse.GetValue(currency))), ct);
            var lines = s.Deposits.Select(d => (d.RecordedAt, Text: string.Create(CultureInfo.InvariantCulture, $"{d.RecordedAt:yyyy-MM-dd}  deposit {d.Reference,-28} +{d.Amount}")))
                .Concat(s.Invoices.Select(i => (i.CreatedAt, Text: string.Create(CultureInfo.InvariantCulture,
                    $"{i.PeriodStart:yyyy-MM-dd}  invoice {i.Id,-28} -{i.Total}  {Name(i.Status)}"))))
                .OrderBy(l => l.Item1).Select(l => l.Text);
            BillingCommand.Print(parse, s, $"Tenant {s.Tenant}, {s.Currency}: credit {s.BalanceText} on chain, outstanding {s.OutstandingText}\n" + string.Join('\n', lines));
        }));
        return statement;
    }

    /// <summary>
    /// Recomputes an invoice from its evidence against the chain (docs/billing.md "Verifying an invoice"); the chain's
    /// endpoint and contracts are the server's unless given, so with all three given the server is trusted for nothing.
    /// The evidence is read page after page while the pages already read are checked on the other cores: a month of
    /// 1,000 VMs is ~80 MiB over REST, and reading it and checking it overlap instead of adding up.
    /// </summary>
    internal static async Task<InvoiceVerification> VerifyAsync(
        SankofaApiClient api, string invoiceId, Uri? rpcUrl, string? contract, string? auditContract, int pageSize, CancellationToken ct)
    {
        var escaped = Uri.EscapeDataString(invoiceId);
        var servedRead = api.GetAsync<InvoiceResponse>($"api/v1/billing/invoices/{escaped}?refresh=false", ct);
        var firstPage = EvidencePage.ReadAsync(api, $"api/v1/billing/invoices/{escaped}/evidence?limit={pageSize}", ct);
        var ledger = rpcUrl is null || contract is null || auditContract is null ? await api.GetLedgerAsync(ct) : null;
        rpcUrl ??= new Uri(ledger!.RpcUrl);
        contract ??= ledger!.BillingAddress ?? throw new InvalidOperationException("The server names no SankofaBilling contract; pass --contract.");
        auditContract ??= ledger!.AuditAnchorAddress;
        var invoice = (await servedRead).ToInvoice()
                      ?? throw new InvalidOperationException($"Invoice {invoiceId} is not built yet: it waits for {(await servedRead).WaitingFor}.");

        // The chain's side read while the evidence downloads.
        using var billing = new BillingReader(rpcUrl, contract);
        var onChain = billing.GetInvoiceAsync(invoiceId, ct);
        var priceHash = billing.GetPriceBookHashAsync(invoice.PriceBookVersion, ct);
        var book = api.GetAsync<Server.Billing.PriceBookResponse>($"api/v1/billing/prices/{invoice.PriceBookVersion}", ct);
        using var anchors = new AuditAnchorReader(rpcUrl, auditContract);
        var roots = new BatchRoots(anchors);
        var check = InvoiceVerifier.Start(invoice);
        var checks = new List<Task>();

        // Pages read ahead of the checks wait in memory: a few keep every core busy; more only cost page faults.
        using var ahead = new SemaphoreSlim(Environment.ProcessorCount + 1);
        var page = await firstPage;
        while (true)
        {
            var read = page;
            await ahead.WaitAsync(ct);
            checks.Add(Task.Run(async () =>
            {
                try
                {
                    // Payloads stay the bytes they arrived as: they are what is hashed and read.
                    check.Add(read.Entries, read.Payloads, read.Batches, await roots.GetAsync(read.Batches, ct));
                }
                finally
                {
                    read.Dispose();
                    ahead.Release();
                }
            }, ct));
            if (read.Next is null)
            {
                break;
            }

            // A cursor that does not move past the page's entries would read forever.
            if (read.Entries.Count == 0 || !long.TryParse(read.Next, CultureInfo.InvariantCulture, out var next) || next < read.Entries[^1].Id)
            {
                throw new InvalidOperationException($"The server's evidence pages do not advance (next '{read.Next}').");
            }

            page = await EvidencePage.ReadAsync(api, $"api/v1/billing/invoices/{escaped}/evidence?limit={pageSize}&after={next}", ct);
        }

        await Task.WhenAll(checks);
        var served = await book;
        var prices = new PriceBook(served.Version, served.EffectiveFrom, served.Currency, served.MinorDigits, [.. served.Prices.Select(p => new Price(
            BillingNames.Tier(p.Tier) ?? throw new FormatException($"Unknown tier '{p.Tier}'."),
            BillingNames.Dimension(p.Dimension) ?? throw new FormatException($"Unknown dimension '{p.Dimension}'."), p.MicroMinorPerUnitHour ?? 0))]);
        return check.Finish(prices, await priceHash, await onChain);
    }

    private static Option<int> EvidencePageSize()
    {
        var option = new Option<int>("--page-size")
        {
            Description = $"Evidence entries read per request, 1 to {InvoiceService.MaxEvidencePage}: the next page downloads while this one is checked.",
            DefaultValueFactory = _ => InvoiceService.DefaultEvidencePage,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValue(option) is < 1 or > InvoiceService.MaxEvidencePage)
            {
                r.AddError($"--page-size must be 1 to {InvoiceService.MaxEvidencePage}.");
            }
        });
        return option;
    }

    // The chain's roots of the batches the pages name, each read once (a batch's entries can span pages).
    private sealed class BatchRoots(AuditAnchorReader anchors)
    {
        private readonly Dictionary<long, Task<IReadOnlyDictionary<long, OnChainRoot>>> reads = [];

        public async Task<IReadOnlyDictionary<long, OnChainRoot>> GetAsync(IReadOnlyList<AuditBatch> batches, CancellationToken ct)
        {
            List<Task<IReadOnlyDictionary<long, OnChainRoot>>> pending;
            lock (reads)
            {
                var missing = batches.Select(b => b.Id).Where(id => !reads.ContainsKey(id)).ToList();
                if (missing.Count > 0)
                {
                    var read = anchors.GetRootsAsync(missing, ct);
                    missing.ForEach(id => reads[id] = read);
                }

                pending = [.. batches.Select(b => reads[b.Id]).Distinct()];
            }

            var found = new Dictionary<long, OnChainRoot>();
            foreach (var read in pending)
            {
                foreach (var (id, root) in await read)
                {
                    found.TryAdd(id, root);
                }
            }

            return found;
        }
    }

    private static async Task<string> SignAsync(
        SankofaApiClient api, ParseResult parse, string invoiceId, Func<string, long, byte[], byte[]> digest, CancellationToken ct)
    {
        var key = await KeyFiles.ReadAsync(parse.GetValue(KeyFile), "--key-file is required: your identity's controller key signs this.");
        var (rpcUrl, contract) = (parse.GetValue(RpcUrl), parse.GetValue(Contract));
        if (rpcUrl is null || contract is null)
        {
            var ledger = await api.GetLedgerAsync(ct);
            rpcUrl ??= new Uri(ledger.RpcUrl);
            contract ??= ledger.BillingAddress ?? throw new InvalidOperationException("The server names no SankofaBilling contract; pass --contract.");
        }

        // What is signed comes from the chain, not the server: the hash issued there, under the chain's own id.
        using var billing = new BillingReader(rpcUrl, contract);
        var onChain = await billing.GetInvoiceAsync(invoiceId, ct) ?? throw new InvalidOperationException($"Invoice {invoiceId} is not issued on chain.");
        var chainId = await billing.GetChainIdAsync(ct);
        return "0x" + Convert.ToHexStringLower(BillingTypedData.Sign(key, digest(contract, chainId, onChain.Hash)));
    }

    private static string Report(InvoiceVerification v) => v.Status switch
    {
        AuditVerificationStatus.Verified =>
            $"Invoice {v.InvoiceId} verified: recomputed from {v.Entries} sealed usage and availability entries proven against {v.Batches} root(s) on chain, it hashes to the hash the chain issued.",
        AuditVerificationStatus.Pending => $"Invoice {v.InvoiceId} cannot be proven yet:\n  " + string.Join("\n  ", v.Problems),
        _ => $"Invoice {v.InvoiceId} FAILED verification:\n  " + string.Join("\n  ", v.Problems),
    };

    private static string Describe(InvoiceResponse i)
    {
        if (i.Lines is null)
        {
            return $"{i.Id} for {i.Tenant}, {i.PeriodStart:u} → {i.PeriodEnd:u}: {Name(i.Status)}, waits for {i.WaitingFor}";
        }

        var digits = i.MinorDigits ?? 2;
        var text = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{i.Id} for {i.Tenant}, {i.PeriodStart:u} → {i.PeriodEnd:u}, price book v{i.PriceBookVersion}, {i.Currency}"),
            $"  status {Name(i.Status)}  {Signed(i)}",
        };
        foreach (var project in i.Lines.GroupBy(l => l.Project))
        {
            text.Add($"  project {project.Key}");
            text.AddRange(project.Select(l => string.Create(CultureInfo.InvariantCulture,
                $"    {l.Resource,-24} {l.Tier,-8} {l.Seconds / 3600m,8:0.##} h  {BillingNames.Amount(l.Amount, digits),12}")));
        }

        text.AddRange(i.Credits!.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"  SLA credit {c.Resource,-20} down {c.DownSeconds} of {c.ExpectedSeconds} s, {c.Percent} %  {BillingNames.Amount(-c.Amount, digits),12}")));
        text.Add($"  subtotal {BillingNames.Amount(i.Subtotal!.Value, digits)}, credits -{BillingNames.Amount(i.CreditTotal!.Value, digits)}, "
            + string.Create(CultureInfo.InvariantCulture, $"tax ({i.TaxBasisPoints / 100m:0.##} %) {BillingNames.Amount(i.Tax!.Value, digits)}, total {i.TotalText} {i.Currency}"));
        text.Add($"  hash {i.Hash}, usage roots {i.UsageRoots}");
        text.Add($"  issued on chain in {i.Chain.IssueTransaction ?? "(not yet)"}; verify with `sankofa billing verify {i.Id}`");
        return string.Join('\n', text);
    }

    private static string Signed(InvoiceResponse i) =>
        $"customer {i.Chain.Customer ?? "—"}, auditor {i.Chain.Auditor ?? "—"}";

    private static string Name(InvoiceStatus status) => status.ToString().ToLowerInvariant();

    private static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? path : path + "?" + string.Join('&', given);
    }
}

/// <summary>The invoice did not verify: the command exits with <see cref="BillingCommand.Failed"/>.</summary>
internal sealed class VerificationFailedException : Exception;
