using GraphQL;
using GraphQL.Types;
using Sankofa.Core.Access;
using Sankofa.Core.Billing;
using Sankofa.Server.Billing;
using Sankofa.Server.Sla;

namespace Sankofa.Server.GraphQL;

/// <summary>One price of a price book.</summary>
public sealed class PriceGraphType : ObjectGraphType<PriceRequest>
{
    /// <summary>Declares the fields.</summary>
    public PriceGraphType()
    {
        Name = "Price";
        Field<NonNullGraphType<StringGraphType>>("tier").Description("core, regional or edge.").Resolve(c => c.Source.Tier);
        Field<NonNullGraphType<StringGraphType>>("dimension").Description("vcpu-hour, ram-gib-hour or disk-gib-hour.").Resolve(c => c.Source.Dimension);
        Field<NonNullGraphType<LongGraphType>>("microMinorPerUnitHour").Description("Millionths of the currency's minor unit per unit-hour.")
            .Resolve(c => c.Source.MicroMinorPerUnitHour);
    }
}

/// <summary>A price book version, as <c>GET /api/v1/billing/prices/{version}</c> answers it.</summary>
public sealed class PriceBookGraphType : ObjectGraphType<PriceBookResponse>
{
    /// <summary>Declares the fields.</summary>
    public PriceBookGraphType()
    {
        Name = "PriceBook";
        Field(x => x.Version);
        Field(x => x.EffectiveFrom).Description("When it takes effect.");
        Field(x => x.Currency).Description("ISO 4217 code.");
        Field(x => x.MinorDigits).Description("Digits of the currency's minor unit.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PriceGraphType>>>>("prices").Resolve(c => c.Source.Prices);
        Field(x => x.Hash).Description("The canonical hash the chain records (docs/billing.md).");
        Field(x => x.Transaction, nullable: true).Description("The transaction that recorded it on chain; null while still to do.");
        Field(x => x.Block, nullable: true);
    }
}

/// <summary>waiting, issuing, issued, disputed, final, voided or settled.</summary>
public sealed class InvoiceStatusGraphType : EnumerationGraphType<InvoiceStatus>
{
    /// <summary>Names the enum.</summary>
    public InvoiceStatusGraphType() => Name = "InvoiceStatus";
}

/// <summary>A resource's line of an invoice: usage in whole unit-seconds, each dimension's charge in minor units.</summary>
public sealed class InvoiceLineGraphType : ObjectGraphType<InvoiceLineResponse>
{
    /// <summary>Declares the fields.</summary>
    public InvoiceLineGraphType()
    {
        Name = "InvoiceLine";
        Field(x => x.Project);
        Field(x => x.Resource);
        Field(x => x.Tier).Description("core, regional or edge.");
        Field(x => x.Seconds);
        Field(x => x.VcpuSeconds);
        Field(x => x.RamMiBSeconds);
        Field(x => x.DiskGiBSeconds);
        Field(x => x.VcpuAmount);
        Field(x => x.RamAmount);
        Field(x => x.DiskAmount);
        Field(x => x.Amount).Description("The line's charge, minor units.");
    }
}

/// <summary>An SLA credit: a negative line.</summary>
public sealed class SlaCreditGraphType : ObjectGraphType<SlaCreditResponse>
{
    /// <summary>Declares the fields.</summary>
    public SlaCreditGraphType()
    {
        Name = "SlaCredit";
        Field(x => x.Resource);
        Field(x => x.ExpectedSeconds);
        Field(x => x.DownSeconds);
        Field(x => x.TargetPpm);
        Field(x => x.Percent).Description("The schedule's percent of the resource's charge.");
        Field(x => x.Amount).Description("The credit, minor units.");
    }
}

/// <summary>What the chain records of an invoice, as last read.</summary>
public sealed class InvoiceChainGraphType : ObjectGraphType<InvoiceChainResponse>
{
    /// <summary>Declares the fields.</summary>
    public InvoiceChainGraphType()
    {
        Name = "InvoiceChain";
        Field(x => x.IssueTransaction, nullable: true);
        Field(x => x.IssueBlock, nullable: true);
        Field(x => x.Customer, nullable: true).Description("The customer's signing address, once it approved.");
        Field(x => x.Auditor, nullable: true).Description("The auditor's signing address, once it approved or resolved a dispute.");
        Field(x => x.SettleTransaction, nullable: true);
        Field(x => x.CheckedAt, nullable: true).Description("When the state was read from the chain.");
    }
}

/// <summary>A billing run and, once built, its invoice, as <c>GET /api/v1/billing/invoices/{id}</c> answers it.</summary>
public sealed class InvoiceGraphType : ObjectGraphType<InvoiceResponse>
{
    /// <summary>Declares the fields.</summary>
    public InvoiceGraphType()
    {
        Name = "Invoice";
        Field(x => x.Id);
        Field(x => x.Tenant);
        Field(x => x.PeriodStart).Description("Start of the period (inclusive).");
        Field(x => x.PeriodEnd).Description("End of the period (exclusive).");
        Field<NonNullGraphType<InvoiceStatusGraphType>>("status").Resolve(c => c.Source.Status);
        Field(x => x.WaitingFor, nullable: true).Description("While waiting: what for, in words.");
        Field(x => x.CreatedAt);
        Field(x => x.CreatedBy);
        Field(x => x.Currency, nullable: true);
        Field(x => x.MinorDigits, nullable: true);
        Field(x => x.PriceBookVersion, nullable: true);
        Field(x => x.TaxBasisPoints, nullable: true);
        Field<ListGraphType<NonNullGraphType<InvoiceLineGraphType>>>("lines").Description("Null while the run waits.").Resolve(c => c.Source.Lines);
        Field<ListGraphType<NonNullGraphType<SlaCreditGraphType>>>("credits").Resolve(c => c.Source.Credits);
        Field(x => x.Subtotal, nullable: true);
        Field(x => x.CreditTotal, nullable: true);
        Field(x => x.Tax, nullable: true);
        Field(x => x.Total, nullable: true).Description("Minor units.");
        Field(x => x.TotalText, nullable: true).Description("The total as a decimal string.");
        Field(x => x.Hash, nullable: true).Description("The canonical hash the parties sign and the chain records (docs/billing.md).");
        Field(x => x.UsageRoots, nullable: true);
        Field<NonNullGraphType<InvoiceChainGraphType>>("chain").Resolve(c => c.Source.Chain);
    }
}

/// <summary>A page of runs and invoices.</summary>
public sealed class InvoicePageGraphType : ObjectGraphType<InvoicePageResponse>
{
    /// <summary>Declares the fields.</summary>
    public InvoicePageGraphType()
    {
        Name = "InvoicePage";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<InvoiceGraphType>>>>("items").Resolve(c => c.Source.Items);
        Field(x => x.Next, nullable: true).Description("Pass as 'after' for the next page.");
    }
}

/// <summary>A payment recorded as a tenant's credit.</summary>
public sealed class DepositGraphType : ObjectGraphType<DepositResponse>
{
    /// <summary>Declares the fields.</summary>
    public DepositGraphType()
    {
        Name = "Deposit";
        Field(x => x.Reference);
        Field(x => x.Tenant);
        Field(x => x.Currency);
        Field(x => x.Amount).Description("Minor units.");
        Field(x => x.RecordedAt);
        Field(x => x.RecordedBy);
        Field(x => x.Transaction, nullable: true);
        Field(x => x.Block, nullable: true);
    }
}

/// <summary>A tenant's statement of account in one currency.</summary>
public sealed class StatementGraphType : ObjectGraphType<StatementResponse>
{
    /// <summary>Declares the fields.</summary>
    public StatementGraphType()
    {
        Name = "Statement";
        Field(x => x.Tenant);
        Field(x => x.Currency);
        Field(x => x.Balance).Description("The tenant's credit as the chain holds it, minor units.");
        Field(x => x.BalanceText);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DepositGraphType>>>>("deposits").Resolve(c => c.Source.Deposits);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<InvoiceGraphType>>>>("invoices").Resolve(c => c.Source.Invoices);
        Field(x => x.Outstanding).Description("What issued, disputed and final invoices still ask for.");
        Field(x => x.OutstandingText);
    }
}

/// <summary>A time a VM was down.</summary>
public sealed class DownIntervalGraphType : ObjectGraphType<DownIntervalResponse>
{
    /// <summary>Declares the fields.</summary>
    public DownIntervalGraphType()
    {
        Name = "DownInterval";
        Field(x => x.Start);
        Field(x => x.End, nullable: true).Description("Null while it lasts.");
    }
}

/// <summary>One VM's availability over a report's period.</summary>
public sealed class VmAvailabilityGraphType : ObjectGraphType<VmAvailabilityResponse>
{
    /// <summary>Declares the fields.</summary>
    public VmAvailabilityGraphType()
    {
        Name = "VmAvailability";
        Field(x => x.ResourceId);
        Field(x => x.ProjectId);
        Field(x => x.SiteId);
        Field(x => x.Tier);
        Field(x => x.ExpectedSeconds);
        Field(x => x.DownSeconds);
        Field(x => x.AvailabilityPpm).Description("Parts per million, rounded down.");
        Field(x => x.AvailabilityPercent).Description("Four decimals, \"99.9768\".");
        Field(x => x.TargetPpm);
        Field(x => x.TargetPercent);
        Field(x => x.Breached);
        Field(x => x.CreditPercent);
        Field(x => x.Hours);
        Field(x => x.SealedHours);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DownIntervalGraphType>>>>("downIntervals").Resolve(c => c.Source.DownIntervals);
    }
}

/// <summary>A tenant's VMs together.</summary>
public sealed class SlaTotalsGraphType : ObjectGraphType<SlaTotalsResponse>
{
    /// <summary>Declares the fields.</summary>
    public SlaTotalsGraphType()
    {
        Name = "SlaTotals";
        Field(x => x.Resources);
        Field(x => x.ExpectedSeconds);
        Field(x => x.DownSeconds);
        Field(x => x.AvailabilityPpm);
        Field(x => x.AvailabilityPercent);
        Field(x => x.Breaches);
    }
}

/// <summary>A tenant's SLA report, as <c>GET /api/v1/sla</c> answers it.</summary>
public sealed class SlaReportGraphType : ObjectGraphType<SlaReportResponse>
{
    /// <summary>Declares the fields.</summary>
    public SlaReportGraphType()
    {
        Name = "SlaReport";
        Field(x => x.Tenant);
        Field(x => x.From);
        Field(x => x.To).Description("Exclusive.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<VmAvailabilityGraphType>>>>("resources").Resolve(c => c.Source.Resources);
        Field<NonNullGraphType<SlaTotalsGraphType>>("totals").Resolve(c => c.Source.Totals);
    }
}

/// <summary>
/// Billing over GraphQL, through the same services as REST and under the same rules: each field needs billing.read
/// somewhere (else FORBIDDEN), lists hold only the caller's tenants, and another tenant's invoice, statement or report is
/// null, as a missing one.
/// </summary>
internal static class BillingFields
{
    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<PriceBookGraphType>>>>("priceBooks")
            .Description("Every price book version, oldest first (billing.read).")
            .ResolveAsync(async c => (await c.RequestServices!.GetRequiredService<PriceBookService>().ListAsync(c.Require(Permission.BillingRead), c.CancellationToken))
                .Answer().Select(PriceBookResponse.From).ToList());

        query.Field<NonNullGraphType<InvoicePageGraphType>>("invoices")
            .Description("Billing runs and invoices within the caller's tenants, newest period first, paged with 'after' (the 'next' of the previous page).")
            .Argument<StringGraphType>("tenant")
            .Argument<InvoiceStatusGraphType>("status")
            .Argument<IntGraphType>("first", "Page size, 1 to 500 (default 100).")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async c =>
            {
                var page = (await Invoices(c).ListAsync(c.Require(Permission.BillingRead), c.GetArgument<string?>("tenant"), c.GetArgument<InvoiceStatus?>("status"),
                    c.GetArgument<string?>("after"), c.GetArgument<int?>("first"), c.CancellationToken)).Answer();
                return new InvoicePageResponse([.. page.Items.Select(InvoiceResponse.From)], page.Next);
            });

        query.Field<InvoiceGraphType>("invoice")
            .Description("One invoice, its state read from the chain first; null when there is none (or it is another tenant's).")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async c => (await Invoices(c).GetAsync(c.Require(Permission.BillingRead), c.GetArgument<string>("id"), fromChain: true, c.CancellationToken))
                .AnswerOrNull() is { } invoice ? InvoiceResponse.From(invoice) : null);

        query.Field<StatementGraphType>("statement")
            .Description("A tenant's statement of account: its credit on chain, deposits, invoices, what is outstanding; null for a tenant not yours.")
            .Argument<StringGraphType>("tenant", "Required unless your roles read billing in exactly one tenant.")
            .Argument<StringGraphType>("currency", "ISO 4217 code; default the invoices'.")
            .ResolveAsync(async c => (await Invoices(c).StatementAsync(c.Require(Permission.BillingRead), c.GetArgument<string?>("tenant"), c.GetArgument<string?>("currency"),
                c.CancellationToken)).AnswerOrNull() is { } statement ? StatementResponse.From(statement) : null);

        query.Field<SlaReportGraphType>("slaReport")
            .Description("A tenant's availability per VM over [from, to) (default: this calendar month so far) against each tier's target; null for a tenant not yours.")
            .Argument<StringGraphType>("tenant", "Required unless your roles read billing in exactly one tenant.")
            .Argument<StringGraphType>("from", "ISO 8601 instant.")
            .Argument<StringGraphType>("to", "ISO 8601 instant, exclusive.")
            .ResolveAsync(async c => (await c.RequestServices!.GetRequiredService<SlaReports>().GetAsync(c.Require(Permission.BillingRead),
                new SlaReportRequest(c.GetArgument<string?>("tenant"), c.GetArgument<string?>("from"), c.GetArgument<string?>("to")), c.CancellationToken))
                .AnswerOrNull() is { } report ? SlaReportResponse.Of(report) : null);
    }

    private static InvoiceService Invoices(IResolveFieldContext c) => c.RequestServices!.GetRequiredService<InvoiceService>();
}
