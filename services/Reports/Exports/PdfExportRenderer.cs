using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using ScottPlot;

namespace DaprPlatform.Reports.Exports;

/// <summary>
/// The PDF export (A4): a title page with the channel, the owner's name, the period and a totals table, the charts (views per
/// day, subscribers) drawn by ScottPlot and embedded as PNG images, then the daily figures; "Page n of m" on every page.
/// </summary>
public static class PdfExportRenderer
{
    private const double Margin = 50;
    private const int ChartWidth = 1000;
    private const int ChartHeight = 450;
    private const int DayRowsPerPage = 38;

    public static byte[] Render(ExportContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        EmbeddedFontResolver.EnsureInstalled();
        using var document = new PdfDocument();
        document.Info.Title = $"Channel report: {content.ChannelTitle}";
        document.Info.Author = content.OwnerName;
        document.Info.Creator = "DaprPlatform reports";

        var title = new XFont(EmbeddedFontResolver.FamilyName, 20, XFontStyleEx.Bold);
        var heading = new XFont(EmbeddedFontResolver.FamilyName, 13, XFontStyleEx.Bold);
        var body = new XFont(EmbeddedFontResolver.FamilyName, 10, XFontStyleEx.Regular);
        var days = content.Days();

        // Page 1: who, what, when, totals, the views chart.
        var (page, gfx) = AddPage(document);
        using (gfx)
        {
            var y = Margin;
            gfx.DrawString($"Channel report: {content.ChannelTitle}", title, XBrushes.Black, new XRect(Margin, y, page.Width.Point - 2 * Margin, 28), XStringFormats.TopLeft);
            y += 36;
            foreach (var line in new[]
            {
                $"Owner: {content.OwnerName}",
                $"Period: {content.Period.From.UtcDateTime:yyyy-MM-dd HH:mm} – {content.Period.To.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({content.Period.Hours} hours)",
                $"Generated: {content.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC",
            })
            {
                gfx.DrawString(line, body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                y += 16;
            }

            y += 12;
            gfx.DrawString("Totals", heading, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
            y += 22;
            var totals = content.Totals;
            y = DrawTable(gfx, body, y,
                [
                    ["Views", Number(totals.Views)], ["Reactions", Number(totals.Reactions)], ["Forwards", Number(totals.Forwards)],
                    ["Posts", Number(totals.Posts)], ["Joins", Number(totals.Joins)], ["Leaves", Number(totals.Leaves)],
                    ["Subscribers at the end", totals.Subscribers is { } s ? Number(s) : "–"],
                ],
                [180, 120]);
            y += 16;
            DrawChart(gfx, page, y, ViewsPerDay(days));
        }

        (page, gfx) = AddPage(document);
        using (gfx)
        {
            DrawChart(gfx, page, Margin, Subscribers(content.Hours));
        }

        // The daily figures, as many pages as they need.
        for (var start = 0; start < days.Count; start += DayRowsPerPage)
        {
            (page, gfx) = AddPage(document);
            using (gfx)
            {
                gfx.DrawString("Daily figures (UTC)", heading, XBrushes.Black, Margin, Margin, XStringFormats.TopLeft);
                var rows = new List<string[]> { new[] { "Day", "Views", "Reactions", "Forwards", "Posts", "Joins", "Leaves", "Subscribers" } };
                rows.AddRange(days.Skip(start).Take(DayRowsPerPage).Select(d => new[]
                {
                    d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Number(d.Views), Number(d.Reactions), Number(d.Forwards),
                    Number(d.Posts), Number(d.Joins), Number(d.Leaves), d.Subscribers is { } s ? Number(s) : "–",
                }));
                DrawTable(gfx, body, Margin + 24, rows, [75, 60, 65, 60, 50, 50, 50, 70]);
            }
        }

        var numberFont = new XFont(EmbeddedFontResolver.FamilyName, 8, XFontStyleEx.Regular);
        for (var i = 0; i < document.PageCount; i++)
        {
            var numbered = document.Pages[i];
            using var footer = XGraphics.FromPdfPage(numbered, XGraphicsPdfPageOptions.Append);
            footer.DrawString($"Page {i + 1} of {document.PageCount}", numberFont, XBrushes.Gray,
                new XRect(0, numbered.Height.Point - 30, numbered.Width.Point - Margin, 12), XStringFormats.TopRight);
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>
    /// A copy of a stored PDF with the owner's name and the share link it was fetched through at the foot of every page
    /// ("protection": a forwarded file says where it came from). Stamped at download time, so the stored file stays the owner's.
    /// </summary>
    public static byte[] Stamp(byte[] pdf, string ownerName, Uri sharedVia)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(sharedVia);
        EmbeddedFontResolver.EnsureInstalled();
        using var input = new MemoryStream(pdf, writable: false);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        var font = new XFont(EmbeddedFontResolver.FamilyName, 7, XFontStyleEx.Regular);
        foreach (var page in document.Pages)
        {
            using var gfx = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            gfx.DrawString($"{ownerName} · Shared via {sharedVia}", font, XBrushes.DarkRed,
                new XRect(Margin, page.Height.Point - 30, page.Width.Point - 2 * Margin, 12), XStringFormats.TopLeft);
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static (PdfPage Page, XGraphics Graphics) AddPage(PdfDocument document)
    {
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        return (page, XGraphics.FromPdfPage(page));
    }

    private static double DrawTable(XGraphics gfx, XFont font, double y, IReadOnlyList<string[]> rows, double[] widths)
    {
        const double rowHeight = 15;
        foreach (var row in rows)
        {
            var x = Margin;
            for (var c = 0; c < row.Length; c++)
            {
                gfx.DrawString(row[c], font, XBrushes.Black, new XRect(x, y, widths[c] - 6, rowHeight), c == 0 ? XStringFormats.TopLeft : XStringFormats.TopRight);
                x += widths[c];
            }

            gfx.DrawLine(XPens.LightGray, Margin, y + rowHeight - 2, x, y + rowHeight - 2);
            y += rowHeight;
        }

        return y;
    }

    private static void DrawChart(XGraphics gfx, PdfPage page, double y, byte[] png)
    {
        using var stream = new MemoryStream(png, writable: false);
        using var image = XImage.FromStream(stream);
        var width = page.Width.Point - 2 * Margin;
        gfx.DrawImage(image, Margin, y, width, width * ChartHeight / ChartWidth);
    }

    private static byte[] ViewsPerDay(IReadOnlyList<ExportDay> days)
    {
        using var plot = new Plot();
        var bars = plot.Add.Bars(days.Select(d => (double)d.Views).ToArray());
        bars.Color = Colors.SteelBlue;
        plot.Title("Views per day");
        plot.YLabel("Views");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            days.Select((d, i) => (Position: (double)i, Label: d.Day.ToString("MM-dd", CultureInfo.InvariantCulture)))
                .Where((_, i) => i % Math.Max(1, days.Count / 10) == 0)
                .Select(t => new Tick(t.Position, t.Label))
                .ToArray());
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(ChartWidth, ChartHeight, ImageFormat.Png);
    }

    private static byte[] Subscribers(IReadOnlyList<ExportHour> hours)
    {
        using var plot = new Plot();
        var readings = hours.Where(h => h.Subscribers is not null).ToList();
        if (readings.Count > 0)
        {
            var line = plot.Add.Scatter(readings.Select(h => h.Hour.UtcDateTime.ToOADate()).ToArray(), readings.Select(h => (double)h.Subscribers!.Value).ToArray());
            line.Color = Colors.SeaGreen;
            line.MarkerSize = 0;
            plot.Axes.DateTimeTicksBottom();
        }
        else
        {
            plot.Add.Annotation("No subscriber counts were reported in this period.");
        }

        plot.Title("Subscribers");
        plot.YLabel("Subscribers");
        return plot.GetImageBytes(ChartWidth, ChartHeight, ImageFormat.Png);
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
