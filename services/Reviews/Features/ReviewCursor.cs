using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace DaprPlatform.Reviews.Features;

/// <summary>The orders of a tutor's public review list.</summary>
public enum ReviewOrder
{
    /// <summary>Newest first (posted at, then id).</summary>
    Newest,

    /// <summary>Most helpful first (helpful count, then newest).</summary>
    Helpful,
}

/// <summary>
/// Where a page of a tutor's reviews ends: the sort keys of its last review, opaque to clients (base64url). Keyset paging
/// gives every review once while reviews are added or removed; with sort=helpful a review whose count changes between two
/// requests may move across the page boundary.
/// </summary>
public sealed record ReviewCursor(ReviewOrder Order, int HelpfulCount, DateTimeOffset PostedAt, Guid ReviewId)
{
    public string Encode()
    {
        var text = string.Join('|',
            Order == ReviewOrder.Helpful ? "h" : "n",
            HelpfulCount.ToString(CultureInfo.InvariantCulture),
            PostedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            ReviewId.ToString("N"));
        return WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Reads a cursor this app issued for <paramref name="order"/>; null when it is not one.</summary>
    public static ReviewCursor? TryDecode(string value, ReviewOrder order)
    {
        ArgumentNullException.ThrowIfNull(value);
        string text;
        try
        {
            text = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(value));
        }
        catch (FormatException)
        {
            return null;
        }

        var parts = text.Split('|');
        if (parts.Length != 4
            || parts[0] != (order == ReviewOrder.Helpful ? "h" : "n")
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var helpful)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(parts[3], "N", out var id))
        {
            return null;
        }

        return new ReviewCursor(order, helpful, new DateTimeOffset(ticks, TimeSpan.Zero), id);
    }
}
