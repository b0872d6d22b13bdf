using System.Globalization;

namespace DaprPlatform.Web.Infrastructure.Formatting;

/// <summary>A file's size as people read it: whole KB below a megabyte (at least 1), MB with one decimal above.</summary>
public static class FileSizeText
{
    public static string Format(long bytes, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        return bytes >= 1024 * 1024
            ? $"{(bytes / 1024d / 1024d).ToString("0.#", culture)} MB"
            : $"{Math.Max(1, bytes / 1024).ToString("N0", culture)} KB";
    }
}
