using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace Sankofa.Server.Billing;

/// <summary>
/// Serves DejaVu Sans, shipped in this assembly (Fonts/, under the Bitstream Vera licence in Fonts/LICENSE), to PDFsharp:
/// PDFsharp finds no system fonts on Linux, and shipping the font means an invoice renders the same on any machine,
/// with or without fonts installed. Every family asked for gets DejaVu Sans; italics are simulated.
/// </summary>
internal sealed class InvoiceFontResolver : IFontResolver
{
    /// <summary>The family the invoice documents ask for.</summary>
    public const string Family = "DejaVu Sans";

    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    /// <summary>The one instance: PDFsharp's resolver is process-wide and must be set to the same object each time.</summary>
    public static readonly InvoiceFontResolver Instance = new();

    private readonly ConcurrentDictionary<string, byte[]> faces = new(StringComparer.Ordinal);

    private InvoiceFontResolver()
    {
    }

    /// <inheritdoc/>
    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    /// <inheritdoc/>
    public byte[] GetFont(string faceName) => faces.GetOrAdd(faceName, static name =>
    {
        using var stream = typeof(InvoiceFontResolver).Assembly.GetManifestResourceStream($"Sankofa.Server.Billing.Fonts.{name}.ttf")
            ?? throw new InvalidOperationException($"The font {name}.ttf is not embedded in Sankofa.Server (Billing/Fonts).");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    });
}
