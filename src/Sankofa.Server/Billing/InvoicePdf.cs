using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using Sankofa.Core.Billing;

namespace Sankofa.Server.Billing;

/// <summary>
/// Lays an invoice out on A4 pages with PDFsharp: the header, the lines by project, the SLA credits, the totals and
/// what to verify it with. Rows flow onto new pages that repeat the table's header; every page is numbered "page X of N",
/// drawn once all pages exist.
/// </summary>
internal sealed class InvoicePdf
{
    private const double Margin = 50;
    private const double Bottom = 64; // room for the page footer
    private const double RowHeight = 14;
    private const double Pad = 4;

    private static readonly XColor Ink = XColor.FromArgb(33, 37, 41);
    private static readonly XColor Muted = XColor.FromArgb(108, 117, 125);
    private static readonly XColor Accent = XColor.FromArgb(11, 92, 107);
    private static readonly XColor Rule = XColor.FromArgb(206, 212, 218);
    private static readonly XColor HeaderFill = XColor.FromArgb(233, 238, 240);
    private static readonly XColor GroupFill = XColor.FromArgb(246, 248, 249);

    private static readonly Column[] LineColumns =
    [
        new("Resource", 140, false), new("Tier", 55, false), new("Hours", 55, true), new("vCPU-h", 55, true),
        new("RAM GiB-h", 60, true), new("Disk GiB-h", 55, true), new("Amount", 75, true),
    ];

    private static readonly Column[] CreditColumns =
    [
        new("Resource", 140, false), new("Tier", 55, false), new("Down (h)", 55, true), new("Availability", 70, true),
        new("Target", 55, true), new("Credit", 45, true), new("Amount", 75, true),
    ];

    private readonly PdfDocument document;
    private readonly Invoice invoice;
    private readonly InvoiceChainView chain;
    private readonly XFont title = new(InvoiceFontResolver.Family, 22, XFontStyleEx.Bold);
    private readonly XFont heading = new(InvoiceFontResolver.Family, 15, XFontStyleEx.Bold);
    private readonly XFont section = new(InvoiceFontResolver.Family, 10.5, XFontStyleEx.Bold);
    private readonly XFont body = new(InvoiceFontResolver.Family, 8.5, XFontStyleEx.Regular);
    private readonly XFont bodyBold = new(InvoiceFontResolver.Family, 8.5, XFontStyleEx.Bold);
    private readonly XFont small = new(InvoiceFontResolver.Family, 7.5, XFontStyleEx.Regular);
    private readonly XFont smallBold = new(InvoiceFontResolver.Family, 7.5, XFontStyleEx.Bold);
    private readonly XFont total = new(InvoiceFontResolver.Family, 11, XFontStyleEx.Bold);

    private XGraphics? graphics;
    private double y;
    private double pageWidth;
    private double pageHeight;

    // What a page break inside a table repeats: its header, then the project it is in.
    private Column[]? table;
    private string? project;

    static InvoicePdf() => GlobalFontSettings.FontResolver = InvoiceFontResolver.Instance;

    private InvoicePdf(PdfDocument document, Invoice invoice, InvoiceChainView chain) =>
        (this.document, this.invoice, this.chain) = (document, invoice, chain);

    private XGraphics G => graphics ?? throw new InvalidOperationException("No page is open.");

    private double Right => pageWidth - Margin;

    /// <summary>The invoice as a PDF document.</summary>
    public static byte[] Render(Invoice invoice, InvoiceChainView chain)
    {
        using var document = new PdfDocument();
        document.Info.Title = $"Invoice {invoice.Id}";
        document.Info.Author = "Sankofa";
        document.Info.Subject = $"Invoice {invoice.Id} for tenant {invoice.TenantId}";
        new InvoicePdf(document, invoice, chain).Write();
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    private void Write()
    {
        NewPage();
        Header();
        Lines();
        Credits();
        Totals();
        Verification();
        graphics?.Dispose();
        PageFooters();
    }

    private void Header()
    {
        G.DrawString("Sankofa", title, new XSolidBrush(Accent), new XRect(Margin, y, 250, 28), XStringFormats.TopLeft);
        G.DrawString("INVOICE", heading, new XSolidBrush(Ink), new XRect(Right - 250, y + 2, 250, 18), XStringFormats.TopRight);
        G.DrawString(invoice.Id, bodyBold, new XSolidBrush(Ink), new XRect(Right - 250, y + 24, 250, 12), XStringFormats.TopRight);
        y += 46;
        G.DrawLine(new XPen(Accent, 1.5), Margin, y, Right, y);
        y += 10;

        var half = (Right - Margin) / 2;
        var issued = chain.IssuedAt is { } at ? InvoiceFormat.Instant(at) : "not yet issued on chain";
        Details(Margin, [("Tenant", invoice.TenantId), ("Period (UTC)", Period()), ("Price book", $"version {invoice.PriceBookVersion}")]);
        Details(Margin + half + 10, [("Invoice", invoice.Id), ("Issued", issued), ("Currency", invoice.Currency),
            ("Tax rate", InvoiceFormat.PercentOfBasisPoints(invoice.TaxBasisPoints) + " %")]);
        y += 4 * 13 + 14;

        void Details(double x, (string Label, string Value)[] rows)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                var top = y + i * 13;
                G.DrawString(rows[i].Label, small, new XSolidBrush(Muted), new XRect(x, top, 62, 13), XStringFormats.CenterLeft);
                Text(rows[i].Value, i == 0 ? bodyBold : body, Ink, x + 62, top, half - 72, 13, right: false);
            }
        }
    }

    private string Period()
    {
        var (start, end) = (invoice.PeriodStart.ToUniversalTime(), invoice.PeriodEnd.ToUniversalTime());
        return start.TimeOfDay == TimeSpan.Zero && end.TimeOfDay == TimeSpan.Zero
            // The end is excluded: a period ending at midnight ends with the day before.
            ? $"{start:yyyy-MM-dd} to {end.AddDays(-1):yyyy-MM-dd} ({(end - start).TotalDays:0} days)"
            : $"{InvoiceFormat.Instant(start)} to {InvoiceFormat.Instant(end)}, end excluded";
    }

    private void Lines()
    {
        Section("Charges");
        StartTable(LineColumns);
        foreach (var group in invoice.Lines.GroupBy(l => l.ProjectId, StringComparer.Ordinal))
        {
            project = null; // a new project's row is drawn below, not repeated by a break before it
            Ensure(RowHeight * 2);
            project = group.Key;
            GroupRow(group.Key, continued: false);
            foreach (var line in group)
            {
                Ensure(RowHeight);
                Row(LineColumns, body,
                [
                    line.ResourceId, BillingNames.Name(line.Tier), InvoiceFormat.Hours(line.Seconds), InvoiceFormat.Hours(line.VCpuSeconds),
                    InvoiceFormat.Hours(line.RamMiBSeconds, 1_024), InvoiceFormat.Hours(line.DiskGiBSeconds),
                    InvoiceFormat.GroupedAmount(line.Amount, invoice.MinorDigits),
                ]);
            }

            Ensure(RowHeight);
            SumRow($"Project {group.Key} total", group.Sum(l => l.Amount));
        }

        EndTable();
    }

    private void Credits()
    {
        if (invoice.Credits.Count == 0)
        {
            return;
        }

        var lines = invoice.Lines.ToDictionary(l => l.ResourceId, StringComparer.Ordinal);
        Ensure(RowHeight * 5);
        Section("SLA credits");
        G.DrawString("Resources below their tier's availability target in the period, credited automatically.", small,
            new XSolidBrush(Muted), new XRect(Margin, y - 4, Right - Margin, 10), XStringFormats.TopLeft);
        y += 10;
        StartTable(CreditColumns);
        foreach (var credit in invoice.Credits)
        {
            Ensure(RowHeight);
            Row(CreditColumns, body,
            [
                credit.ResourceId, lines.TryGetValue(credit.ResourceId, out var line) ? BillingNames.Name(line.Tier) : "",
                InvoiceFormat.Hours(credit.DownSeconds), InvoiceFormat.Availability(credit) + " %",
                InvoiceFormat.PercentOfPpm(credit.TargetPpm) + " %", $"{credit.Percent} %",
                InvoiceFormat.GroupedAmount(-credit.Amount, invoice.MinorDigits),
            ]);
        }

        Ensure(RowHeight);
        SumRow("SLA credits", -invoice.CreditTotal);
        EndTable();
    }

    private void Totals()
    {
        const double Width = 260;
        Ensure(RowHeight * 4 + 30);
        y += 6;
        var x = Right - Width;
        var digits = invoice.MinorDigits;
        Pair("Subtotal", InvoiceFormat.GroupedAmount(invoice.Subtotal, digits));
        Pair("SLA credits", InvoiceFormat.GroupedAmount(-invoice.CreditTotal, digits));
        Pair($"Tax {InvoiceFormat.PercentOfBasisPoints(invoice.TaxBasisPoints)} % of {InvoiceFormat.GroupedAmount(invoice.Subtotal - invoice.CreditTotal, digits)}",
            InvoiceFormat.GroupedAmount(invoice.Tax, digits));
        y += 3;
        G.DrawRectangle(new XSolidBrush(HeaderFill), x, y, Width, 22);
        G.DrawLine(new XPen(Accent, 1.2), x, y, Right, y);
        G.DrawString("Total due", total, new XSolidBrush(Ink), new XRect(x + Pad, y, Width / 2, 22), XStringFormats.CenterLeft);
        G.DrawString($"{invoice.Currency} {InvoiceFormat.GroupedAmount(invoice.Total, digits)}", total, new XSolidBrush(Ink),
            new XRect(x, y, Width - Pad, 22), XStringFormats.CenterRight);
        y += 22 + 18;

        void Pair(string label, string amount)
        {
            G.DrawString(label, body, new XSolidBrush(Muted), new XRect(x + Pad, y, Width - 80, RowHeight), XStringFormats.CenterLeft);
            G.DrawString(amount, body, new XSolidBrush(Ink), new XRect(x, y, Width - Pad, RowHeight), XStringFormats.CenterRight);
            y += RowHeight;
        }
    }

    private void Verification()
    {
        var rows = new List<(string Label, string Value)>
        {
            ("Invoice hash", Convert.ToHexStringLower(invoice.Hash())),
            ("Usage roots", Convert.ToHexStringLower(invoice.UsageRoots)),
            ("State on chain", chain.State),
            ("Transaction", chain.Transaction is null ? "not yet recorded" : chain.Block is { } block ? $"{chain.Transaction} (block {block})" : chain.Transaction),
            ("Contract", chain.Contract ?? "not deployed"),
            ("Customer approval", chain.CustomerSigner ?? "none yet"),
            ("Auditor approval", chain.AuditorSigner ?? "none yet"),
        };
        const double Line = 11.5;
        Ensure(28 + (rows.Count + 3) * Line);
        Section("Verification");
        G.DrawString("The hash the customer and an auditor sign and the chain records: SHA-256 of the invoice's canonical encoding.",
            small, new XSolidBrush(Muted), new XRect(Margin, y - 4, Right - Margin, 10), XStringFormats.TopLeft);
        y += 10;
        foreach (var (label, value) in rows)
        {
            G.DrawString(label, small, new XSolidBrush(Muted), new XRect(Margin, y, 90, Line), XStringFormats.CenterLeft);
            Text(value, small, Ink, Margin + 90, y, Right - Margin - 90, Line, right: false);
            y += Line;
        }

        y += 4;
        G.DrawString("To verify", small, new XSolidBrush(Muted), new XRect(Margin, y, 90, Line), XStringFormats.CenterLeft);
        G.DrawString($"sankofa billing verify {invoice.Id}", smallBold, new XSolidBrush(Accent), new XRect(Margin + 90, y, Right - Margin - 90, Line),
            XStringFormats.CenterLeft);
        y += Line;
        G.DrawString("recomputes this invoice from its anchored usage and checks its hash and state against the chain.", small,
            new XSolidBrush(Muted), new XRect(Margin + 90, y, Right - Margin - 90, Line), XStringFormats.CenterLeft);
        y += Line;
    }

    private void Section(string name)
    {
        Ensure(RowHeight * 3);
        y += 8;
        G.DrawString(name, section, new XSolidBrush(Ink), new XRect(Margin, y, Right - Margin, 16), XStringFormats.TopLeft);
        y += 20;
    }

    private void StartTable(Column[] columns)
    {
        table = columns;
        TableHeader();
    }

    private void EndTable() => (table, project) = (null, null);

    private void TableHeader()
    {
        var columns = table!;
        G.DrawRectangle(new XSolidBrush(HeaderFill), Margin, y, Right - Margin, RowHeight + 2);
        Row(columns, smallBold, [.. columns.Select(c => c.Title == "Amount" ? $"Amount ({invoice.Currency})" : c.Title)], height: RowHeight + 2, rule: false);
    }

    private void GroupRow(string name, bool continued)
    {
        G.DrawRectangle(new XSolidBrush(GroupFill), Margin, y, Right - Margin, RowHeight);
        Text(continued ? $"Project {name} (continued)" : $"Project {name}", bodyBold, Accent, Margin + Pad, y, Right - Margin - 2 * Pad, RowHeight, right: false);
        y += RowHeight;
    }

    private void SumRow(string label, long amount)
    {
        G.DrawString(label, bodyBold, new XSolidBrush(Ink), new XRect(Margin, y, Right - Margin - 75 - Pad, RowHeight), XStringFormats.CenterRight);
        G.DrawString(InvoiceFormat.GroupedAmount(amount, invoice.MinorDigits), bodyBold, new XSolidBrush(Ink), new XRect(Margin, y, Right - Margin - Pad, RowHeight),
            XStringFormats.CenterRight);
        y += RowHeight + 4;
    }

    private void Row(Column[] columns, XFont font, string[] cells, double height = RowHeight, bool rule = true)
    {
        var x = Margin;
        for (var i = 0; i < columns.Length; i++)
        {
            Text(cells[i], font, Ink, x + Pad, y, columns[i].Width - 2 * Pad, height, columns[i].Right);
            x += columns[i].Width;
        }

        y += height;
        if (rule)
        {
            G.DrawLine(new XPen(Rule, 0.4), Margin, y, Right, y);
        }
    }

    /// <summary>Draws text in a box, cut with an ellipsis when wider than the box (a long resource id must not run into the next column).</summary>
    private void Text(string text, XFont font, XColor color, double x, double top, double width, double height, bool right)
    {
        var shown = text;
        if (G.MeasureString(shown, font).Width > width)
        {
            while (shown.Length > 1 && G.MeasureString(shown + "…", font).Width > width)
            {
                shown = shown[..^1];
            }

            shown += "…";
        }

        G.DrawString(shown, font, new XSolidBrush(color), new XRect(x, top, width, height), right ? XStringFormats.CenterRight : XStringFormats.CenterLeft);
    }

    /// <summary>Starts a new page when <paramref name="height"/> does not fit on this one; inside a table it repeats the header and the project.</summary>
    private void Ensure(double height)
    {
        if (y + height <= pageHeight - Bottom)
        {
            return;
        }

        NewPage();
        if (table is not null)
        {
            TableHeader();
            if (project is not null)
            {
                GroupRow(project, continued: true);
            }
        }
    }

    private void NewPage()
    {
        graphics?.Dispose();
        var page = document.AddPage();
        page.Size = PageSize.A4;
        (pageWidth, pageHeight) = (page.Width.Point, page.Height.Point);
        graphics = XGraphics.FromPdfPage(page);
        y = Margin;
        if (document.PageCount > 1)
        {
            G.DrawString($"Sankofa · Invoice {invoice.Id} (continued)", small, new XSolidBrush(Muted), new XRect(Margin, y, Right - Margin, 10), XStringFormats.TopLeft);
            y += 18;
        }
    }

    private void PageFooters()
    {
        var count = document.PageCount;
        for (var i = 0; i < count; i++)
        {
            using var g = XGraphics.FromPdfPage(document.Pages[i], XGraphicsPdfPageOptions.Append);
            var top = pageHeight - Bottom + 24;
            g.DrawLine(new XPen(Rule, 0.6), Margin, top, Right, top);
            g.DrawString($"Sankofa · Invoice {invoice.Id} · tenant {invoice.TenantId}", small, new XSolidBrush(Muted),
                new XRect(Margin, top + 4, Right - Margin, 10), XStringFormats.TopLeft);
            g.DrawString($"page {i + 1} of {count}", small, new XSolidBrush(Muted), new XRect(Margin, top + 4, Right - Margin, 10), XStringFormats.TopRight);
        }
    }

    private sealed record Column(string Title, double Width, bool Right);
}
