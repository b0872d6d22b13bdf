using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace DaprPlatform.Messaging.Features;

/// <summary>
/// Opaque paging cursors. A message page continues below a message's position, which only grows: messages sent while a
/// client pages land above every cursor it holds, so its pages never shift. The conversation list continues below an
/// (activity time, sequence) pair.
/// </summary>
public static class Cursors
{
    public static string ForMessage(long position) => Encode(string.Create(CultureInfo.InvariantCulture, $"m:{position}"));

    public static long? ReadMessage(string raw) =>
        Decode(raw) is ['m', ':', .. var rest] && long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : null;

    public static string ForConversation(DateTimeOffset lastActivityAt, long sequence) =>
        Encode(string.Create(CultureInfo.InvariantCulture, $"c:{lastActivityAt.UtcTicks}:{sequence}"));

    public static (DateTimeOffset LastActivityAt, long Sequence)? ReadConversation(string raw)
    {
        if (Decode(raw) is not ['c', ':', .. var rest] || rest.Split(':') is not [var ticks, var sequence]) { return null; }
        if (!long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t > DateTimeOffset.MaxValue.UtcTicks) { return null; }
        if (!long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var s)) { return null; }
        return (new DateTimeOffset(t, TimeSpan.Zero), s);
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));

    private static string? Decode(string raw)
    {
        try
        {
            return raw.Length is > 0 and <= 100 ? Encoding.ASCII.GetString(Base64Url.DecodeFromChars(raw)) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
