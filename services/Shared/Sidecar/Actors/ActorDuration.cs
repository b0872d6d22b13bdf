using System.Globalization;
using System.Text;

namespace DaprPlatform.Sidecar.Actors;

/// <summary>
/// Durations on the actor API: written as Go durations ("1h2m3.5s"), read as Go durations or ISO 8601
/// ("PT1M", and for periods "R5/PT10S"), which is what daprd accepts for dueTime, period and ttl.
/// </summary>
public static class ActorDuration
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>Go's time.Duration.String() shape: "0s", "1.5ms", "2m0s", "1h2m3.5s", with a leading '-' when negative.</summary>
    public static string ToGoDuration(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        // TimeSpan.MinValue cannot be negated; work on the magnitude as an unsigned tick count.
        var ticks = value.Ticks < 0 ? (ulong)-(value.Ticks + 1) + 1 : (ulong)value.Ticks;
        if (value.Ticks < 0)
        {
            builder.Append('-');
        }

        if (ticks < (ulong)TimeSpan.TicksPerSecond)
        {
            // Below one second Go switches to the largest unit that keeps an integer part.
            if (ticks < (ulong)TicksPerMicrosecond)
            {
                return builder.Append((ticks * 100).ToString(CultureInfo.InvariantCulture)).Append("ns").ToString();
            }

            if (ticks < (ulong)TimeSpan.TicksPerMillisecond)
            {
                AppendFraction(builder, ticks, (ulong)TicksPerMicrosecond);
                return builder.Append("µs").ToString();
            }

            AppendFraction(builder, ticks, (ulong)TimeSpan.TicksPerMillisecond);
            return builder.Append("ms").ToString();
        }

        var hours = ticks / (ulong)TimeSpan.TicksPerHour;
        ticks %= (ulong)TimeSpan.TicksPerHour;
        var minutes = ticks / (ulong)TimeSpan.TicksPerMinute;
        ticks %= (ulong)TimeSpan.TicksPerMinute;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            builder.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        AppendFraction(builder, ticks, (ulong)TimeSpan.TicksPerSecond);
        return builder.Append('s').ToString();
    }

    /// <summary>Parses a Go duration or an ISO 8601 duration (optionally with an "R[n]/" repetition prefix).</summary>
    /// <exception cref="FormatException">The text is neither form, or uses calendar units (years, months) a TimeSpan cannot hold.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value, out _)
            ? value
            : throw new FormatException($"'{text}' is neither a Go duration (e.g. 1h2m3s) nor an ISO 8601 duration (e.g. PT1H2M3S, R5/PT10S).");
    }

    public static bool TryParse(string? text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <summary>
    /// Like <see cref="TryParse(string?, out TimeSpan)"/>; <paramref name="repetitions"/> is the n of "R n/…"
    /// (-1 for an unbounded "R/…"), null when the text has no repetition prefix.
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan value, out int? repetitions)
    {
        value = TimeSpan.Zero;
        repetitions = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span[0] is 'R' or 'r')
        {
            var slash = span.IndexOf('/');
            if (slash < 0)
            {
                return false;
            }

            var count = span[1..slash];
            if (count.IsEmpty)
            {
                repetitions = -1;
            }
            else if (int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                repetitions = n;
            }
            else
            {
                return false;
            }

            var ok = TryParseIso(span[(slash + 1)..], out value);
            if (!ok)
            {
                repetitions = null;
            }

            return ok;
        }

        return span[0] is 'P' or 'p' || (span.Length > 1 && span[0] is '-' or '+' && span[1] is 'P' or 'p')
            ? TryParseIso(span, out value)
            : TryParseGo(span, out value);
    }

    private static void AppendFraction(StringBuilder builder, ulong ticks, ulong unit)
    {
        builder.Append((ticks / unit).ToString(CultureInfo.InvariantCulture));
        var remainder = ticks % unit;
        if (remainder == 0)
        {
            return;
        }

        // Fixed-width fraction of the unit, trailing zeros dropped as Go does.
        var width = (int)Math.Round(Math.Log10(unit));
        var digits = remainder.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0').TrimEnd('0');
        builder.Append('.').Append(digits);
    }

    private static bool TryParseGo(ReadOnlySpan<char> span, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var negative = false;
        if (span[0] is '-' or '+')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        if (span.SequenceEqual("0"))
        {
            return true;
        }

        if (span.IsEmpty)
        {
            return false;
        }

        decimal totalTicks = 0;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
            {
                numberLength++;
            }

            var number = span[..numberLength];
            if (number.IsEmpty || number.SequenceEqual(".")
                || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            span = span[numberLength..];
            var unitLength = 0;
            while (unitLength < span.Length && !char.IsAsciiDigit(span[unitLength]) && span[unitLength] != '.')
            {
                unitLength++;
            }

            decimal? ticksPerUnit = span[..unitLength] switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => null,
            };
            if (ticksPerUnit is null)
            {
                return false;
            }

            span = span[unitLength..];
            totalTicks += amount * ticksPerUnit.Value;
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        var rounded = (long)decimal.Round(totalTicks, MidpointRounding.AwayFromZero);
        value = TimeSpan.FromTicks(negative ? -rounded : rounded);
        return true;
    }

    private static bool TryParseIso(ReadOnlySpan<char> span, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var negative = false;
        if (span[0] is '-' or '+')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        if (span.Length < 2 || span[0] is not ('P' or 'p'))
        {
            return false;
        }

        span = span[1..];
        var inTime = false;
        var sawComponent = false;
        var lastOrder = -1;
        decimal totalTicks = 0;
        while (!span.IsEmpty)
        {
            if (span[0] is 'T' or 't')
            {
                if (inTime)
                {
                    return false;
                }

                inTime = true;
                span = span[1..];
                if (span.IsEmpty)
                {
                    return false;
                }

                continue;
            }

            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] is '.' or ','))
            {
                numberLength++;
            }

            if (numberLength == 0 || numberLength == span.Length
                || !decimal.TryParse(span[..numberLength].ToString().Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            var designator = char.ToUpperInvariant(span[numberLength]);
            span = span[(numberLength + 1)..];
            // Years and months have no fixed length, so they cannot become a TimeSpan.
            (int Order, long TicksPerUnit)? unit = (inTime, designator) switch
            {
                (false, 'W') => (0, TimeSpan.TicksPerDay * 7),
                (false, 'D') => (1, TimeSpan.TicksPerDay),
                (true, 'H') => (2, TimeSpan.TicksPerHour),
                (true, 'M') => (3, TimeSpan.TicksPerMinute),
                (true, 'S') => (4, TimeSpan.TicksPerSecond),
                _ => null,
            };
            if (unit is null || unit.Value.Order <= lastOrder)
            {
                return false;
            }

            lastOrder = unit.Value.Order;
            sawComponent = true;
            totalTicks += amount * unit.Value.TicksPerUnit;
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        if (!sawComponent)
        {
            return false;
        }

        var rounded = (long)decimal.Round(totalTicks, MidpointRounding.AwayFromZero);
        value = TimeSpan.FromTicks(negative ? -rounded : rounded);
        return true;
    }
}
