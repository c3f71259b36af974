using System.Globalization;
using System.Text.Json;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>The settings billing runs follow (configuration section <c>Billing</c>, docs/configuration.md).</summary>
/// <param name="CloseDelay">How long after a period's end its run waits before it is built, so metering reaches the end.</param>
/// <param name="TaxBasisPoints">The tax rate applied to every invoice, in hundredths of a percent.</param>
/// <param name="MonthlyRuns">Whether last month's run is started for every tenant with usage, without anyone asking.</param>
/// <param name="StateRefreshInterval">How often an open invoice's state is read again from the chain.</param>
public sealed record BillingRunSettings(TimeSpan CloseDelay, int TaxBasisPoints, bool MonthlyRuns, TimeSpan StateRefreshInterval);

/// <summary>A billing run as asked for: a tenant (or every tenant with usage) and a period (or last month).</summary>
/// <param name="TenantId">The tenant; null: every tenant with usage in the period.</param>
/// <param name="PeriodStart">Start of the period, on the hour (UTC); with <paramref name="PeriodEnd"/>, or neither for last month.</param>
/// <param name="PeriodEnd">End of the period, on the hour, after its start, at most 366 days later.</param>
public sealed record BillingRunRequest(string? TenantId, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd);

/// <summary>What one round of the billing worker did.</summary>
public sealed record BillingRound(int Started, int Built, int Issued, int Refreshed, int Settled, int Deposits, IReadOnlyList<string> Problems);

/// <summary>
/// Billing runs (docs/billing.md): a run bills one tenant for one period. It waits until the period has closed and every
/// hour of its usage and availability is metered, sealed into the audit log and anchored; then it rates the usage at the
/// price book in force at the period's start, credits SLA breaches, stores the invoice and issues it on chain by its
/// canonical hash, with the commitment to the batches its evidence is in. Everything after that — approvals, disputes,
/// settlement — the chain decides; this service relays and reads it back. Runs are idempotent: the invoice id follows
/// from tenant and period, and each step is recorded before the next, so a crash or an absent chain delays, never loses
/// or doubles, an invoice.
/// </summary>
public sealed class BillingRunService(
    IInvoiceStore store, IUsageStore usage, IAvailabilityStore availability, IPriceBookStore priceBooks, IBillingLedger ledger,
    ITenantStore tenants, SiteCatalog catalog, BillingRunSettings settings, TimeProvider time)
{
    private const int BatchSize = 50;
    private DateTimeOffset? _monthStarted;
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    /// <summary>The id of the invoice for a tenant and period: <c>inv-acme-2027-01</c> for a calendar month, else <c>inv-acme-20270101T00-20270102T00</c>.</summary>
    public static string InvoiceId(string tenantId, DateTimeOffset start, DateTimeOffset end) =>
        start.Day == 1 && start.TimeOfDay == TimeSpan.Zero && end == start.AddMonths(1)
            ? string.Create(CultureInfo.InvariantCulture, $"inv-{tenantId}-{start:yyyy-MM}")
            : string.Create(CultureInfo.InvariantCulture, $"inv-{tenantId}-{start:yyyyMMdd'T'HH}-{end:yyyyMMdd'T'HH}");

    /// <summary>The last complete calendar month before <paramref name="now"/> (UTC).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) LastMonth(DateTimeOffset now)
    {
        var end = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (end.AddMonths(-1), end);
    }

    /// <summary>
    /// Starts runs (billing.write, platform-wide): for the tenant named or every tenant with usage in the period, for the
    /// period given or last month. A run already asked for is returned as it stands; one whose invoice was voided after
    /// an upheld dispute is started again under the next id (<c>…-r2</c>).
    /// </summary>
    public async Task<Result<IReadOnlyList<StoredInvoice>>> StartAsync(Caller caller, BillingRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.Can(Permission.BillingWrite, null))
        {
            return AccessErrors.Forbidden(Permission.BillingWrite);
        }

        var errors = new Dictionary<string, string[]>();
        var (start, end) = LastMonth(time.GetUtcNow());
        if (request.PeriodStart is not null || request.PeriodEnd is not null)
        {
            if (request.PeriodStart is not { } s || !OnTheHour(s))
            {
                errors["periodStart"] = ["Required with periodEnd: the period's start, UTC, on the hour (usage is billed by the hour)."];
            }

            if (request.PeriodEnd is not { } e || !OnTheHour(e))
            {
                errors["periodEnd"] = ["Required with periodStart: the period's end (exclusive), UTC, on the hour."];
            }
            else if (request.PeriodStart is { } s2 && (e <= s2 || e - s2 > MaxPeriod))
            {
                errors["periodEnd"] = ["Must be after periodStart, at most 366 days later."];
            }

            (start, end) = (request.PeriodStart ?? default, request.PeriodEnd ?? default);
        }

        if (request.TenantId is { } named && await tenants.GetTenantAsync(named, cancellationToken).ConfigureAwait(false) is null)
        {
            errors["tenant"] = [$"There is no tenant '{named}'."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var ids = request.TenantId is { } one ? [one] : await store.GetTenantsWithUsageAsync(start, end, cancellationToken).ConfigureAwait(false);
        var runs = new List<StoredInvoice>(ids.Count);
        foreach (var tenantId in ids)
        {
            runs.Add(await StartRunAsync(tenantId, start.ToUniversalTime(), end.ToUniversalTime(), caller.Id, cancellationToken).ConfigureAwait(false));
        }

        return Result<IReadOnlyList<StoredInvoice>>.Ok(runs);
    }

    /// <summary>
    /// One round of the worker: last month's runs started (when <see cref="BillingRunSettings.MonthlyRuns"/>), waiting
    /// runs built when their inputs are complete, built invoices issued on chain, open invoices' states read back (a
    /// final one settled from the tenant's credit when it covers the total), deposits credited on chain.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The chain is away; what is left waits for the next round.</exception>
    public async Task<BillingRound> RunRoundAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var started = 0;
        var (monthStart, monthEnd) = LastMonth(time.GetUtcNow());
        if (settings.MonthlyRuns && _monthStarted != monthStart)
        {
            // Once per month per process (the usage scan is a month of rows); a run already started is left as it is.
            foreach (var tenantId in await store.GetTenantsWithUsageAsync(monthStart, monthEnd, cancellationToken).ConfigureAwait(false))
            {
                if (await store.GetAsync(InvoiceId(tenantId, monthStart, monthEnd), cancellationToken).ConfigureAwait(false) is null)
                {
                    await StartRunAsync(tenantId, monthStart, monthEnd, "billing", cancellationToken).ConfigureAwait(false);
                    started++;
                }
            }

            _monthStarted = monthStart;
        }

        var (built, issued) = (0, 0);
        var ready = new List<StoredInvoice>();
        foreach (var run in await store.GetByStatusAsync([InvoiceStatus.Waiting], BatchSize, cancellationToken).ConfigureAwait(false))
        {
            if (await TryBuildAsync(run, cancellationToken).ConfigureAwait(false) is { } invoice)
            {
                built++;
                ready.Add(run with { Status = InvoiceStatus.Issuing, Invoice = invoice });
            }
        }

        // Issued together: each waits a block for its receipt, and the gateway orders their nonces (docs/benchmarks.md,
        // one at a time the chain's round trips dominated a run). A refusal or an absent chain leaves that invoice
        // built and stored, for the Issuing pass of a later round, which reports a refusal.
        var outcomes = await Task.WhenAll(ready.Select(async run =>
        {
            try
            {
                await IssueAsync(run, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (ex is LedgerUnavailableException or BillingRefusedException)
            {
                return false;
            }
        })).ConfigureAwait(false);
        issued += outcomes.Count(o => o);

        foreach (var run in await store.GetByStatusAsync([InvoiceStatus.Issuing], BatchSize, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await IssueAsync(run, cancellationToken).ConfigureAwait(false);
                issued++;
            }
            catch (BillingRefusedException ex)
            {
                problems.Add($"Invoice {run.Id} cannot be issued on chain: {ex.Message}");
            }
        }

        var (refreshed, settled) = (0, 0);
        var now = time.GetUtcNow();
        foreach (var run in await store.GetByStatusAsync([InvoiceStatus.Issued, InvoiceStatus.Disputed, InvoiceStatus.Final], BatchSize, cancellationToken).ConfigureAwait(false))
        {
            if (run.CheckedAt is { } checkedAt && now - checkedAt < settings.StateRefreshInterval)
            {
                continue;
            }

            var current = await RefreshAsync(run, cancellationToken).ConfigureAwait(false);
            refreshed++;
            if (current.Status == InvoiceStatus.Final && await TrySettleAsync(current, cancellationToken).ConfigureAwait(false) is { Status: InvoiceStatus.Settled })
            {
                settled++;
            }
        }

        var deposits = 0;
        foreach (var deposit in await store.GetUnrecordedDepositsAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await RecordDepositAsync(deposit, cancellationToken).ConfigureAwait(false);
                deposits++;
            }
            catch (BillingRefusedException ex)
            {
                problems.Add($"Deposit {deposit.Reference} cannot be credited on chain: {ex.Message}");
            }
        }

        return new BillingRound(started, built, issued, refreshed, settled, deposits, problems);
    }

    /// <summary>Reads the invoice's state from the chain and stores what changed.</summary>
    public async Task<StoredInvoice> RefreshAsync(StoredInvoice run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var onChain = await ledger.GetInvoiceAsync(run.Id, cancellationToken).ConfigureAwait(false);
        var status = onChain is null ? run.Status : StatusOf(onChain.State);
        var refreshed = run with
        {
            Status = status, Customer = onChain?.Customer ?? run.Customer, Auditor = onChain?.Auditor ?? run.Auditor, CheckedAt = time.GetUtcNow(),
        };
        await store.UpdateAsync(run.Id, refreshed.Status, refreshed.Issued, refreshed.Customer, refreshed.Auditor, refreshed.Settled, refreshed.CheckedAt!.Value, cancellationToken)
            .ConfigureAwait(false);
        return refreshed;
    }

    /// <summary>
    /// Settles a final invoice from its tenant's credit; returns it as it then stands (still final when the credit falls
    /// short: it stays outstanding and is tried again after the next deposit).
    /// </summary>
    public async Task<StoredInvoice> TrySettleAsync(StoredInvoice invoice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        try
        {
            var receipt = await ledger.SettleAsync(invoice.Id, cancellationToken).ConfigureAwait(false);
            var settled = invoice with { Status = InvoiceStatus.Settled, Settled = receipt, CheckedAt = time.GetUtcNow() };
            await store.UpdateAsync(invoice.Id, settled.Status, settled.Issued, settled.Customer, settled.Auditor, receipt, settled.CheckedAt!.Value, cancellationToken)
                .ConfigureAwait(false);
            return settled;
        }
        catch (BillingRefusedException ex) when (ex.Reason == "Shortfall")
        {
            return invoice;
        }
    }

    /// <summary>Credits a stored deposit on chain (a repeat is a no-op there) and notes the transaction.</summary>
    public async Task<Deposit> RecordDepositAsync(Deposit deposit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deposit);
        var receipt = await ledger.DepositAsync(deposit.TenantId, deposit.Currency, deposit.Amount, deposit.Reference, cancellationToken).ConfigureAwait(false);
        await store.MarkDepositRecordedAsync(deposit.Reference, receipt, cancellationToken).ConfigureAwait(false);
        return deposit with { Recorded = receipt };
    }

    private static InvoiceStatus StatusOf(OnChainInvoiceState state) => state switch
    {
        OnChainInvoiceState.Issued => InvoiceStatus.Issued,
        OnChainInvoiceState.Disputed => InvoiceStatus.Disputed,
        OnChainInvoiceState.Final => InvoiceStatus.Final,
        OnChainInvoiceState.Voided => InvoiceStatus.Voided,
        OnChainInvoiceState.Settled => InvoiceStatus.Settled,
        _ => InvoiceStatus.Issuing,
    };

    private static bool OnTheHour(DateTimeOffset t) => t.Offset == TimeSpan.Zero ? t.Ticks % TimeSpan.TicksPerHour == 0 : OnTheHour(t.ToUniversalTime());

    private async Task<StoredInvoice> StartRunAsync(string tenantId, DateTimeOffset start, DateTimeOffset end, string createdBy, CancellationToken cancellationToken)
    {
        var baseId = InvoiceId(tenantId, start, end);
        for (var revision = 1; ; revision++)
        {
            var id = revision == 1 ? baseId : $"{baseId}-r{revision}";
            var run = new StoredInvoice(id, tenantId, start, end, InvoiceStatus.Waiting, "the period to close", time.GetUtcNow(), createdBy,
                null, null, null, null, null, null);
            var stored = await store.AddRunAsync(run, new AuditEvent(createdBy, "billing.run.started", $"invoice:{id}", JsonSerializer.Serialize(new
            {
                invoiceId = id, tenantId, periodStart = start, periodEnd = end,
            })), cancellationToken).ConfigureAwait(false);
            if (stored.Status != InvoiceStatus.Voided)
            {
                return stored;
            }
        }
    }

    // Builds and stores the run's invoice when its inputs are complete; null while it waits.
    private async Task<Invoice?> TryBuildAsync(StoredInvoice run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var waiting = await WaitingForAsync(run, now, cancellationToken).ConfigureAwait(false);
        if (waiting.Reason is { } reason)
        {
            if (reason != run.WaitingFor)
            {
                await store.SetWaitingAsync(run.Id, reason, now, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        var usageLines = await usage.GetTenantUsageAsync(run.TenantId, run.PeriodStart, run.PeriodEnd, cancellationToken).ConfigureAwait(false);
        var measured = await availability.GetTenantAvailabilityAsync(run.TenantId, run.PeriodStart, run.PeriodEnd, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RatedUsage> rated;
        try
        {
            rated = BillingRun.Rated(usageLines, catalog);
        }
        catch (KeyNotFoundException ex)
        {
            await store.SetWaitingAsync(run.Id, "a site the catalog no longer has: " + ex.Message, now, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var invoice = Invoice.Build(run.Id, run.TenantId, run.PeriodStart, run.PeriodEnd, waiting.Prices!, UsageRoots.Commit(waiting.Batches!),
            settings.TaxBasisPoints, rated, measured.Select(a => new ResourceAvailability(a.ResourceId, a.ExpectedSeconds, a.DownSeconds)));
        await store.BuildAsync(run.Id, invoice, new AuditEvent("billing", "billing.invoice.built", $"invoice:{run.Id}", JsonSerializer.Serialize(new
        {
            invoiceId = run.Id, hash = "0x" + Convert.ToHexStringLower(invoice.Hash()), invoice.Currency, invoice.Total, credits = invoice.CreditTotal,
            lines = invoice.Lines.Count,
        })), cancellationToken).ConfigureAwait(false);
        return invoice;
    }

    private async Task<(string? Reason, PriceBook? Prices, IReadOnlyList<AuditBatch>? Batches)> WaitingForAsync(
        StoredInvoice run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now < run.PeriodEnd + settings.CloseDelay)
        {
            return ($"the period to close: billed from {run.PeriodEnd + settings.CloseDelay:u}", null, null);
        }

        var prices = BillingRun.InForce((await priceBooks.ListAsync(cancellationToken).ConfigureAwait(false)).Select(b => b.Book), run.PeriodStart);
        if (prices is null)
        {
            return ($"a price book in force at {run.PeriodStart:u}", null, null);
        }

        if ((await priceBooks.GetAsync(prices.Version, cancellationToken).ConfigureAwait(false))?.Recorded is null)
        {
            return ($"price book {prices.Version} to be recorded on chain", null, null);
        }

        var state = await store.GetEvidenceStateAsync(run.TenantId, run.PeriodStart, run.PeriodEnd, cancellationToken).ConfigureAwait(false);
        var reason = state switch
        {
            { UnmeteredResources: > 0 } => $"{state.UnmeteredResources} resource(s) to be metered up to the period's end",
            { UnsealedHours: > 0 } => $"{state.UnsealedHours} hour(s) of usage or availability to be sealed into the audit log",
            { UnbatchedEntries: > 0 } => $"{state.UnbatchedEntries} sealed entries of hours to be batched",
            _ when state.Batches.FirstOrDefault(b => b.Anchor is null) is { } batch => $"audit batch {batch.Id} to be anchored on chain",
            _ => null,
        };
        return (reason, prices, state.Batches);
    }

    private async Task IssueAsync(StoredInvoice run, CancellationToken cancellationToken)
    {
        var receipt = await ledger.IssueAsync(run.Invoice!, cancellationToken).ConfigureAwait(false);
        await store.UpdateAsync(run.Id, InvoiceStatus.Issued, receipt, null, null, null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }
}
