using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Sankofa.Core.Billing;
using Sankofa.Core.Topology;
using Sankofa.Server.Billing;
using Sankofa.TestSupport.Billing;

namespace Sankofa.Server.Tests.Billing;

/// <summary>
/// The golden invoice (docs/billing.md) as CSV, exactly, and as a PDF read back the way a customer's tools read it:
/// rendered to PNG and to text by poppler (Debian's poppler-utils, installed by scripts/poppler.sh). The files are left
/// in artifacts/invoices/ to look at.
/// </summary>
public sealed class InvoiceDocumentsTests
{
    private static readonly string Output = Directory.CreateDirectory(Path.Combine(Repository.Root, "artifacts", "invoices")).FullName;

    private static readonly InvoiceChainView Issued = new("issued", "0x" + new string('a', 64), 1_234, null, null,
        new DateTimeOffset(2027, 1, 31, 0, 5, 0, TimeSpan.Zero), "0x" + new string('b', 40));

    [Fact]
    public void The_golden_invoice_as_csv_has_a_row_per_line_and_credit_then_the_totals_to_the_cent()
    {
        var csv = InvoiceDocuments.Csv(GoldenInvoice.Build());

        Assert.Equal(
            "kind,project,resource,tier,seconds,vcpu_seconds,ram_mib_seconds,disk_gib_seconds,amount_minor,amount,currency\r\n" +
            "line,p-a,vm-a1,core,2592000,5184000,10616832000,103680000,8208,82.08,USD\r\n" +
            "line,p-a,vm-a2,edge,1000,1000,1024000,10000,1,0.01,USD\r\n" +
            "line,p-b,vm-b3,regional,2500,2500,1280000,12500,2,0.02,USD\r\n" +
            "line,p-b,vm-b4,regional,3500,3500,1792000,17500,4,0.04,USD\r\n" +
            "credit,p-a,vm-a1,core,,,,,-821,-8.21,USD\r\n" +
            "credit,p-b,vm-b4,regional,,,,,-4,-0.04,USD\r\n" +
            "subtotal,,,,,,,,8215,82.15,USD\r\n" +
            "credits,,,,,,,,-825,-8.25,USD\r\n" +
            "tax,,,,,,,,1108,11.08,USD\r\n" +
            "total,,,,,,,,8498,84.98,USD\r\n",
            csv);
    }

    [Fact]
    public void Csv_fields_holding_a_comma_or_a_quote_are_quoted_per_rfc_4180_and_zero_digit_currencies_have_no_point()
    {
        var book = GoldenInvoice.Book() with { Currency = "JPY", MinorDigits = 0 };
        var invoice = Invoice.Build("inv-q", "t1", GoldenInvoice.Start, GoldenInvoice.Start.AddDays(30), book, new byte[32], 0,
            [new RatedUsage("vm \"x\"", "p,1", SiteTier.Core, 3_600, 3_600, 0, 0)], []);

        var rows = InvoiceDocuments.Csv(invoice).Split("\r\n");

        Assert.Equal("line,\"p,1\",\"vm \"\"x\"\"\",core,3600,3600,0,0,4,4,JPY", rows[1]);
        Assert.Equal("total,,,,,,,,4,4,JPY", rows[^2]);
    }

    [Fact]
    public async Task The_golden_invoice_as_pdf_renders_to_a_page_with_its_id_total_hash_and_chain_facts()
    {
        var pdf = Path.Combine(Output, "golden.pdf");
        await File.WriteAllBytesAsync(pdf, InvoiceDocuments.Pdf(GoldenInvoice.Build(), Issued));

        await PopplerAsync("pdftoppm", "-png", "-r", "110", "-singlefile", pdf, Path.Combine(Output, "golden"));
        var image = GrayPng.Read(Path.Combine(Output, "golden.png"));
        var text = await PopplerAsync("pdftotext", "-layout", pdf, "-");

        // A4 at 110 dpi, with ink in the header and in the page footer and a white page otherwise: not blank, not a smear.
        Assert.Equal((910, 1287), (image.Width, image.Height));
        Assert.InRange(image.DarkShare(0, image.Height / 8), 0.01, 0.5);
        Assert.InRange(image.DarkShare(image.Height * 9 / 10, image.Height), 0.0003, 0.2);
        Assert.InRange(image.DarkShare(0, image.Height), 0.005, 0.2);
        Assert.Contains("inv-t1-2027-01", text, StringComparison.Ordinal);
        Assert.Matches(@"Total due\s+USD 84\.98", text);
        Assert.Matches(@"Tax 15\.00 % of 73\.90\s+11\.08", text);
        Assert.Matches(@"vm-a1\s+core\s+720\.00\s+1,440\.00\s+2,880\.00\s+28,800\.00\s+82\.08", text);
        Assert.Matches(@"vm-a1\s+core\s+0\.17\s+99\.976 %\s+99\.99 %\s+10 %\s+-8\.21", text);
        Assert.Contains(GoldenInvoice.Hash, text, StringComparison.Ordinal);
        Assert.Contains("sankofa billing verify inv-t1-2027-01", text, StringComparison.Ordinal);
        Assert.Contains("0x" + new string('a', 64) + " (block 1234)", text, StringComparison.Ordinal);
        Assert.Contains("page 1 of 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thousand_line_invoice_runs_over_numbered_pages_that_each_repeat_the_table_header()
    {
        var usage = Enumerable.Range(0, 1_000)
            .Select(i => new RatedUsage($"vm-{i:0000}", $"project-{i / 100}", (SiteTier)(i % 3), 3_600, 7_200, 4_096 * 3_600, 40 * 3_600));
        var invoice = Invoice.Build("inv-big", "t1", GoldenInvoice.Start, GoldenInvoice.Start.AddDays(30), GoldenInvoice.Book(), new byte[32], 1_500,
            usage, [new ResourceAvailability("vm-0007", 3_600, 3_600)]);
        var pdf = Path.Combine(Output, "thousand-lines.pdf");
        await File.WriteAllBytesAsync(pdf, InvoiceDocuments.Pdf(invoice, new InvoiceChainView("not recorded", null, null, null, null, null, null)));

        var pages = (await PopplerAsync("pdftotext", "-layout", pdf, "-")).Split('\f', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        var info = await PopplerAsync("pdfinfo", pdf);

        // A4 at 14 pt a row: page 1 has the header and 39 lines, the next ones 46 to 48 lines besides their project's
        // rows, and the last the final 20 lines with the credit, the totals and the verification: 22 pages.
        Assert.Equal(22, pages.Count);
        Assert.Matches(@"Pages:\s+22\b", info);
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Contains($"page {i + 1} of 22", pages[i], StringComparison.Ordinal);
        }

        Assert.All(pages, p => Assert.Matches(@"Resource\s+Tier\s+Hours\s+vCPU-h\s+RAM GiB-h\s+Disk GiB-h\s+Amount \(USD\)", p));
        var all = string.Concat(pages);
        // Each line once, none lost or repeated at a break; vm-0007 once more with its credit.
        Assert.All(Enumerable.Range(0, 1_000), i => Assert.Equal(i == 7 ? 2 : 1, Regex.Count(all, $@"\bvm-{i:0000}\s+(core|regional|edge)\s")));
        Assert.Contains("Total due", pages[^1], StringComparison.Ordinal);
    }

    private static async Task<string> PopplerAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not installed: run scripts/poppler.sh (Debian's poppler-utils).", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}");
            return await output;
        }
    }

    /// <summary>An 8-bit greyscale or RGB PNG (what <c>pdftoppm -png</c> writes) decoded to each pixel's lightness.</summary>
    private sealed record GrayPng(int Width, int Height, byte[] Pixels)
    {
        /// <summary>The share of pixels darker than mid-grey in rows [<paramref name="from"/>, <paramref name="to"/>).</summary>
        public double DarkShare(int from, int to) => (double)Pixels[(from * Width)..(to * Width)].Count(p => p < 128) / ((to - from) * Width);

        public static GrayPng Read(string path)
        {
            var file = File.ReadAllBytes(path);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], file[..8]);
            int width = 0, height = 0, channels = 0;
            using var compressed = new MemoryStream();
            for (var at = 8; at < file.Length;)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
                var type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
                var data = file.AsSpan(at + 8, length);
                if (type == "IHDR")
                {
                    (width, height) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                    Assert.Equal((8, 0), (data[8], data[12])); // depth 8, not interlaced
                    channels = data[9] switch { 0 => 1, 2 => 3, _ => throw new InvalidDataException($"PNG colour type {data[9]}") }; // grey, RGB
                }
                else if (type == "IDAT")
                {
                    compressed.Write(data);
                }

                at += 12 + length;
            }

            compressed.Position = 0;
            using var inflated = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
            {
                zlib.CopyTo(inflated);
            }

            // Each row is a filter byte then the row's bytes, each filtered against the same channel of the pixel to its
            // left, above, and above-left (PNG spec, section 9).
            var raw = inflated.ToArray();
            var stride = width * channels;
            var bytes = new byte[stride * height];
            for (var row = 0; row < height; row++)
            {
                var filter = raw[row * (stride + 1)];
                for (var i = 0; i < stride; i++)
                {
                    int a = i >= channels ? bytes[row * stride + i - channels] : 0, b = row > 0 ? bytes[(row - 1) * stride + i] : 0;
                    int c = i >= channels && row > 0 ? bytes[(row - 1) * stride + i - channels] : 0;
                    var predicted = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => Paeth(a, b, c), _ => throw new InvalidDataException($"PNG filter {filter}") };
                    bytes[row * stride + i] = (byte)(raw[row * (stride + 1) + 1 + i] + predicted);
                }
            }

            var pixels = new byte[width * height];
            for (var p = 0; p < pixels.Length; p++)
            {
                var sum = 0;
                for (var k = 0; k < channels; k++)
                {
                    sum += bytes[p * channels + k];
                }

                pixels[p] = (byte)(sum / channels);
            }

            return new GrayPng(width, height, pixels);
        }

        private static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
