namespace DaprPlatform.Booking.Infrastructure;

public static class DatabaseTime
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>
    /// Now, cut to the whole microseconds a Postgres timestamptz keeps, so the answer to the call that made a change is
    /// byte for byte the answer a repeated call (reading the stored row) gets.
    /// </summary>
    public static DateTimeOffset GetDatabaseNow(this TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TicksPerMicrosecond), TimeSpan.Zero);
    }
}
