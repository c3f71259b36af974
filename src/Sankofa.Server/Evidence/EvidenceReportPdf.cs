using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using Sankofa.Core.Evidence;
using Sankofa.Server.Billing;

namespace Sankofa.Server.Evidence;

/// <summary>
/// The PDF report of an evidence package, laid out with PDFsharp on A4: the run and its period, the package hash an
/// auditor checks against the chain, every control with its verdict, then each collector's reason and facts. The report
/// is for reading; the JSON package is the evidence whose hash is anchored.
/// </summary>
internal sealed class EvidenceReportPdf : IEvidenceReportRenderer
{
    static EvidenceReportPdf() => GlobalFontSettings.FontResolver = InvoiceFontResolver.Instance; // the same process-wide resolver as invoices

    public byte[] Render(EvidencePackage package, byte[] packageSha256)
    {
        ArgumentNullException.ThrowIfNull(package);
        using var document = new PdfDocument();
        document.Info.Title = $"Control evidence, run {package.Run}";
        document.Info.Author = "Sankofa";
        document.Info.Subject = $"Control evidence from {EvidenceEncoding.Time(package.From)} to {EvidenceEncoding.Time(package.To)}";
        new Writer(document, package, packageSha256).Write();
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    private sealed class Writer(PdfDocument document, EvidencePackage package, byte[] hash)
    {
        private const double Margin = 50;
        private const double Bottom = 60;
        private const double Line = 12;

        private static readonly XColor Ink = XColor.FromArgb(33, 37, 41);
        private static readonly XColor Muted = XColor.FromArgb(108, 117, 125);
        private static readonly XColor Accent = XColor.FromArgb(11, 92, 107);
        private static readonly XColor Rule = XColor.FromArgb(206, 212, 218);
        private static readonly XColor HeaderFill = XColor.FromArgb(233, 238, 240);
        private static readonly XColor PassColor = XColor.FromArgb(25, 135, 84);
        private static readonly XColor FailColor = XColor.FromArgb(176, 42, 55);

        private readonly XFont title = new(InvoiceFontResolver.Family, 20, XFontStyleEx.Bold);
        private readonly XFont section = new(InvoiceFontResolver.Family, 11, XFontStyleEx.Bold);
        private readonly XFont body = new(InvoiceFontResolver.Family, 8.5, XFontStyleEx.Regular);
        private readonly XFont bold = new(InvoiceFontResolver.Family, 8.5, XFontStyleEx.Bold);
        private readonly XFont small = new(InvoiceFontResolver.Family, 7.5, XFontStyleEx.Regular);

        private XGraphics? graphics;
        private double y;
        private double width;
        private double height;

        private XGraphics G => graphics ?? throw new InvalidOperationException("No page is open.");

        private double Right => width - Margin;

        public void Write()
        {
            NewPage();
            Header();
            Controls();
            Collectors();
            Verification();
            graphics?.Dispose();
            Footers();
        }

        private void Header()
        {
            G.DrawString("Sankofa", title, new XSolidBrush(Accent), new XRect(Margin, y, 200, 24), XStringFormats.TopLeft);
            G.DrawString("CONTROL EVIDENCE", section, new XSolidBrush(Ink), new XRect(Right - 250, y + 4, 250, 16), XStringFormats.TopRight);
            y += 34;
            G.DrawLine(new XPen(Accent, 1.5), Margin, y, Right, y);
            y += 10;
            var s = package.Summary;
            Pair("Run", string.Create(CultureInfo.InvariantCulture, $"{package.Run} (attempt {package.Attempt} for its period)"));
            Pair("Period (UTC)", $"{EvidenceEncoding.Time(package.From)} to {EvidenceEncoding.Time(package.To)}, end excluded");
            Pair("Generated", $"{EvidenceEncoding.Time(package.GeneratedAt)} by {package.GeneratedBy}");
            Pair("Controls", string.Create(CultureInfo.InvariantCulture, $"{s.Pass} pass, {s.Fail} fail, {s.NotApplicable} not applicable, {s.Manual} manual"));
            Pair("Package SHA-256", "0x" + Convert.ToHexStringLower(hash));
            y += 6;
        }

        private void Controls()
        {
            Section("Controls");
            double[] columns = [55, 85, 250, 0];
            columns[3] = Right - Margin - columns[..3].Sum();
            Ensure(Line + 4);
            G.DrawRectangle(new XSolidBrush(HeaderFill), Margin, y, Right - Margin, Line + 2);
            Row(columns, bold, ["Control", "Framework", "Title", "Verdict"], Ink);
            y += 2;
            foreach (var control in package.Controls)
            {
                var lines = Wrap(control.Reason, small, Right - Margin - columns[0]);
                Ensure(Line * (1 + lines.Count) + 2);
                Row(columns, body, [control.Control.Id, control.Control.Framework, control.Control.Title, EvidenceVerdicts.Name(control.Verdict)], VerdictColor(control.Verdict));
                foreach (var line in lines)
                {
                    G.DrawString(line, small, new XSolidBrush(Muted), new XRect(Margin + columns[0], y, Right - Margin - columns[0], Line), XStringFormats.CenterLeft);
                    y += Line - 1;
                }

                y += 2;
                G.DrawLine(new XPen(Rule, 0.4), Margin, y, Right, y);
                y += 2;
            }
        }

        private void Collectors()
        {
            Section("Evidence collected");
            foreach (var collector in package.Collectors)
            {
                var reason = Wrap(collector.Reason, body, Right - Margin);
                Ensure(Line * (2 + reason.Count + Math.Min(collector.Facts.Count, 4)));
                G.DrawString($"{collector.Id}: {collector.Title}", bold, new XSolidBrush(Ink), new XRect(Margin, y, Right - Margin - 90, Line), XStringFormats.CenterLeft);
                G.DrawString(EvidenceVerdicts.Name(collector.Verdict), bold, new XSolidBrush(VerdictColor(collector.Verdict)), new XRect(Margin, y, Right - Margin, Line),
                    XStringFormats.CenterRight);
                y += Line;
                foreach (var line in reason)
                {
                    G.DrawString(line, body, new XSolidBrush(Ink), new XRect(Margin, y, Right - Margin, Line), XStringFormats.CenterLeft);
                    y += Line;
                }

                foreach (var fact in collector.Facts)
                {
                    Ensure(Line);
                    G.DrawString(fact.Name, small, new XSolidBrush(Muted), new XRect(Margin + 12, y, 220, Line - 1), XStringFormats.CenterLeft);
                    Text(fact.Number is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : fact.Text ?? "", small, Ink, Margin + 240, y, Right - Margin - 240, Line - 1);
                    y += Line - 1;
                }

                y += 8;
            }
        }

        private void Verification()
        {
            Ensure(Line * 7);
            Section("Verifying this package");
            foreach (var line in new[]
            {
                "The evidence is the JSON package (GET /api/v1/compliance/evidence-runs/" + package.Run.ToString(CultureInfo.InvariantCulture) + "/package), not this report.",
                "Its SHA-256 above is the packageSha256 of the audit entry compliance.evidence.recorded with subject " + EvidenceEncoding.Subject(package.Run) + ",",
                "sealed into a Merkle batch whose root is anchored on the AuditAnchor contract. To check the package against the chain:",
            })
            {
                G.DrawString(line, small, new XSolidBrush(Ink), new XRect(Margin, y, Right - Margin, Line), XStringFormats.CenterLeft);
                y += Line - 1;
            }

            y += 3;
            G.DrawString($"sankofa compliance evidence verify {package.Run.ToString(CultureInfo.InvariantCulture)}", bold, new XSolidBrush(Accent),
                new XRect(Margin + 12, y, Right - Margin, Line), XStringFormats.CenterLeft);
            y += Line;
        }

        private void Pair(string label, string value)
        {
            G.DrawString(label, small, new XSolidBrush(Muted), new XRect(Margin, y, 90, 13), XStringFormats.CenterLeft);
            Text(value, body, Ink, Margin + 90, y, Right - Margin - 90, 13);
            y += 13;
        }

        private void Section(string name)
        {
            Ensure(Line * 4);
            y += 8;
            G.DrawString(name, section, new XSolidBrush(Ink), new XRect(Margin, y, Right - Margin, 16), XStringFormats.TopLeft);
            y += 20;
        }

        private void Row(double[] columns, XFont font, string[] cells, XColor last)
        {
            var x = Margin;
            for (var i = 0; i < columns.Length; i++)
            {
                Text(cells[i], font, i == columns.Length - 1 ? last : Ink, x + 3, y, columns[i] - 6, Line);
                x += columns[i];
            }

            y += Line;
        }

        private void Text(string text, XFont font, XColor color, double x, double top, double boxWidth, double boxHeight)
        {
            var shown = text;
            if (G.MeasureString(shown, font).Width > boxWidth)
            {
                while (shown.Length > 1 && G.MeasureString(shown + "…", font).Width > boxWidth)
                {
                    shown = shown[..^1];
                }

                shown += "…";
            }

            G.DrawString(shown, font, new XSolidBrush(color), new XRect(x, top, boxWidth, boxHeight), XStringFormats.CenterLeft);
        }

        /// <summary>Splits text into lines that fit <paramref name="maxWidth"/>, at spaces.</summary>
        private List<string> Wrap(string text, XFont font, double maxWidth)
        {
            var lines = new List<string>();
            var current = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (current.Length > 0 && G.MeasureString(candidate, font).Width > maxWidth)
                {
                    lines.Add(current);
                    current = word;
                }
                else
                {
                    current = candidate;
                }
            }

            if (current.Length > 0)
            {
                lines.Add(current);
            }

            return lines;
        }

        private static XColor VerdictColor(EvidenceVerdict verdict) => verdict switch
        {
            EvidenceVerdict.Pass => PassColor,
            EvidenceVerdict.Fail => FailColor,
            _ => Muted,
        };

        private void Ensure(double needed)
        {
            if (y + needed > height - Bottom)
            {
                NewPage();
            }
        }

        private void NewPage()
        {
            graphics?.Dispose();
            var page = document.AddPage();
            page.Size = PageSize.A4;
            (width, height) = (page.Width.Point, page.Height.Point);
            graphics = XGraphics.FromPdfPage(page);
            y = Margin;
        }

        private void Footers()
        {
            var count = document.PageCount;
            for (var i = 0; i < count; i++)
            {
                using var g = XGraphics.FromPdfPage(document.Pages[i], XGraphicsPdfPageOptions.Append);
                var top = height - Bottom + 22;
                g.DrawLine(new XPen(Rule, 0.6), Margin, top, Right, top);
                g.DrawString($"Sankofa · control evidence run {package.Run.ToString(CultureInfo.InvariantCulture)} · package 0x{Convert.ToHexStringLower(hash)[..16]}…", small,
                    new XSolidBrush(Muted), new XRect(Margin, top + 4, Right - Margin, 10), XStringFormats.TopLeft);
                g.DrawString(string.Create(CultureInfo.InvariantCulture, $"page {i + 1} of {count}"), small, new XSolidBrush(Muted),
                    new XRect(Margin, top + 4, Right - Margin, 10), XStringFormats.TopRight);
            }
        }
    }
}
