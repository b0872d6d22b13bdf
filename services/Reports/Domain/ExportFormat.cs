namespace DaprPlatform.Reports.Domain;

/// <summary>What an export renders; the wire names are <c>csv</c> and <c>pdf</c>.</summary>
public enum ExportFormat
{
    Csv,
    Pdf,
}

public static class ExportFormats
{
    public static bool TryParse(string? value, out ExportFormat format)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "csv":
                format = ExportFormat.Csv;
                return true;
            case "pdf":
                format = ExportFormat.Pdf;
                return true;
            default:
                format = default;
                return false;
        }
    }

    public static string WireName(this ExportFormat format) => format == ExportFormat.Pdf ? "pdf" : "csv";

    public static string ContentType(this ExportFormat format) => format == ExportFormat.Pdf ? "application/pdf" : "text/csv";
}
