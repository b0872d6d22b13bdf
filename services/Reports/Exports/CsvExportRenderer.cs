using System.Globalization;
using CsvHelper;

namespace DaprPlatform.Reports.Exports;

/// <summary>
/// The CSV export: a header row, then one row per hour of the period (UTC, ISO 8601), comma-separated, invariant numbers,
/// UTF-8 without a byte-order mark, CRLF line ends (RFC 4180). Subscribers is empty for an hour without a reading.
/// </summary>
public static class CsvExportRenderer
{
    private static readonly CsvWriterOptions Options = new()
    {
        NewLine = "\r\n",
        FormatProvider = CultureInfo.InvariantCulture,
        WriteByteOrderMark = false,
    };

    public static readonly string[] Header = ["hour", "views", "reactions", "forwards", "posts", "joins", "leaves", "subscribers"];

    public static byte[] Render(ExportContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, Options, true))
        {
            csv.WriteRecord(Header);
            foreach (var hour in content.Hours)
            {
                csv.WriteField(hour.Hour.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                csv.WriteField(hour.Views, default, CultureInfo.InvariantCulture);
                csv.WriteField(hour.Reactions, default, CultureInfo.InvariantCulture);
                csv.WriteField(hour.Forwards, default, CultureInfo.InvariantCulture);
                csv.WriteField(hour.Posts, default, CultureInfo.InvariantCulture);
                csv.WriteField(hour.Joins, default, CultureInfo.InvariantCulture);
                csv.WriteField(hour.Leaves, default, CultureInfo.InvariantCulture);
                csv.WriteField(hour.Subscribers?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
                csv.EndRecord();
            }
        }

        return buffer.ToArray();
    }
}
