using System.Globalization;

namespace DaprPlatform.Web.Infrastructure.Formatting;

/// <summary>Times as text in a zone and the current culture, labelled with the zone's IANA id (e.g. "08/12/2026 14:00 (Europe/Berlin)").</summary>
public static class ZonedTimeText
{
    public static string Format(DateTimeOffset value, TimeZoneInfo zone, string format = "g", bool showZone = true)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(value, zone);
        var text = local.ToString(format, CultureInfo.CurrentCulture);
        return showZone ? $"{text} ({ZoneName(zone)})" : text;
    }

    /// <summary>The IANA id (what a person in Berlin recognises as theirs), "UTC" for UTC.</summary>
    public static string ZoneName(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (zone == TimeZoneInfo.Utc)
        {
            return "UTC";
        }

        return zone.HasIanaId || !TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? zone.Id : iana;
    }
}
