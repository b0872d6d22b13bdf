using PdfSharp.Fonts;

namespace DaprPlatform.Reports.Exports;

/// <summary>
/// PDFsharp's font source: DejaVu Sans (regular and bold) embedded in this assembly (Fonts/, with its licence), because PDFsharp
/// reads no system fonts on Linux and a container may have none (ADR 0031). Every family name resolves to it.
/// </summary>
public sealed class EmbeddedFontResolver : IFontResolver
{
    public const string FamilyName = "DejaVu Sans";
    private const string Regular = "DejaVuSans.ttf";
    private const string Bold = "DejaVuSans-Bold.ttf";

    private static readonly Lock InstallLock = new();

    /// <summary>
    /// PDFsharp keeps its resolver in a process-wide setting that may be set once; this sets it (idempotently) before the
    /// first document is drawn. It is the library's only configuration point, so it cannot be held per request.
    /// </summary>
    public static void EnsureInstalled()
    {
        lock (InstallLock)
        {
            if (GlobalFontSettings.FontResolver is not EmbeddedFontResolver)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFontResolver();
            }
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        // Italic is simulated by PDFsharp; there is one family.
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[] GetFont(string faceName)
    {
        using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream(faceName)
            ?? throw new InvalidOperationException($"The font {faceName} is not embedded in the reports app.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
