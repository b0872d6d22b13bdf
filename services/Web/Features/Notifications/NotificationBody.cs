using System.Text.RegularExpressions;

namespace DaprPlatform.Web.Features.Notifications;

/// <summary>One run of a notification's text: plain, or an address the page shows as a link.</summary>
public sealed record NotificationBodyPart(string Text, Uri? Link);

/// <summary>
/// A notification's body with its web addresses made links. Notices are plain text (they go to Telegram too), so a notice
/// that points somewhere — "your export is ready: http://…/reports/exports/…" — carries the address in its text. Only
/// absolute http(s) addresses become links; sentence punctuation right after one stays text.
/// </summary>
public static partial class NotificationBody
{
    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Address();

    private static readonly char[] TrailingPunctuation = ['.', ',', ';', ':', '!', '?', ')', '\'', '"'];

    public static IReadOnlyList<NotificationBodyPart> Parts(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var parts = new List<NotificationBodyPart>();
        var at = 0;
        foreach (Match match in Address().Matches(body))
        {
            var text = match.Value.TrimEnd(TrailingPunctuation);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var link) || link.Scheme is not ("http" or "https"))
            {
                continue;
            }

            if (match.Index > at) { parts.Add(new NotificationBodyPart(body[at..match.Index], null)); }
            parts.Add(new NotificationBodyPart(text, link));
            at = match.Index + text.Length;
        }

        if (at < body.Length) { parts.Add(new NotificationBodyPart(body[at..], null)); }
        return parts;
    }
}
