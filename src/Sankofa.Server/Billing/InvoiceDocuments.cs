using System.Globalization;
using System.Text;
using Sankofa.Core.Billing;

namespace Sankofa.Server.Billing;

/// <summary>What the chain says of an invoice, printed on its PDF for the reader to check.</summary>
/// <param name="State">The invoice's state on chain (issued, disputed, final, voided, settled), or that it is not recorded yet.</param>
/// <param name="Transaction">The transaction that issued it, or null before it is recorded.</param>
/// <param name="Block">That transaction's block.</param>
/// <param name="CustomerSigner">The address whose approval made it final, when the customer's.</param>
/// <param name="AuditorSigner">The auditor's address, when an auditor approved or resolved it.</param>
/// <param name="IssuedAt">When it was issued on chain.</param>
/// <param name="Contract">The SankofaBilling contract (proxy) address.</param>
public sealed record InvoiceChainView(
    string State, string? Transaction, long? Block, string? CustomerSigner, string? AuditorSigner, DateTimeOffset? IssuedAt, string? Contract);

/// <summary>An invoice as documents for people and spreadsheets: a PDF and a CSV (docs/billing.md, "Invoice documents").</summary>
public static class InvoiceDocuments
{
    /// <summary>The CSV's header row.</summary>
    public const string CsvHeader = "kind,project,resource,tier,seconds,vcpu_seconds,ram_mib_seconds,disk_gib_seconds,amount_minor,amount,currency";

    /// <summary>
    /// The invoice as an A4 PDF: header, lines by project, SLA credits, totals, and its hash, usage roots and chain facts
    /// with the command that verifies it; long invoices run over numbered pages that repeat the table's header.
    /// </summary>
    public static byte[] Pdf(Invoice invoice, InvoiceChainView chain)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(chain);
        return InvoicePdf.Render(invoice, chain);
    }

    /// <summary>
    /// The invoice as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break):
    /// <see cref="CsvHeader"/>, one <c>line</c> row per line, one <c>credit</c> row per SLA credit (negative), then
    /// <c>subtotal</c>, <c>credits</c> (negative), <c>tax</c> and <c>total</c>. Amounts twice: integer minor units and
    /// decimal; usage in unit-seconds, empty where a row has none.
    /// </summary>
    public static string Csv(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var csv = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var l in invoice.Lines)
        {
            Record(csv, invoice, "line", l.ProjectId, l.ResourceId, BillingNames.Name(l.Tier), [l.Seconds, l.VCpuSeconds, l.RamMiBSeconds, l.DiskGiBSeconds], l.Amount);
        }

        var lines = invoice.Lines.ToDictionary(l => l.ResourceId, StringComparer.Ordinal);
        foreach (var c in invoice.Credits)
        {
            var line = lines.GetValueOrDefault(c.ResourceId);
            Record(csv, invoice, "credit", line?.ProjectId ?? "", c.ResourceId, line is null ? "" : BillingNames.Name(line.Tier), [], -c.Amount);
        }

        Record(csv, invoice, "subtotal", "", "", "", [], invoice.Subtotal);
        Record(csv, invoice, "credits", "", "", "", [], -invoice.CreditTotal);
        Record(csv, invoice, "tax", "", "", "", [], invoice.Tax);
        Record(csv, invoice, "total", "", "", "", [], invoice.Total);
        return csv.ToString();
    }

    private static void Record(StringBuilder csv, Invoice invoice, string kind, string project, string resource, string tier, long[] usage, long amount)
    {
        var usageFields = usage.Length == 0 ? ["", "", "", ""] : usage.Select(u => u.ToString(CultureInfo.InvariantCulture));
        string[] fields =
        [
            kind, project, resource, tier, .. usageFields, amount.ToString(CultureInfo.InvariantCulture),
            InvoiceFormat.Amount(amount, invoice.MinorDigits), invoice.Currency,
        ];
        csv.AppendJoin(',', fields.Select(Escape)).Append("\r\n");
    }

    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
