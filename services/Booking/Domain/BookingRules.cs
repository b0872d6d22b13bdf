namespace DaprPlatform.Booking.Domain;

/// <summary>The shape every booked session has: 30 to 240 minutes in 15-minute steps, starting on a quarter hour.</summary>
public static class BookingRules
{
    public const int SlotMinutes = 15;
    public const int MinDurationMinutes = 30;
    public const int MaxDurationMinutes = 240;

    public static bool IsValidDuration(int minutes) =>
        minutes is >= MinDurationMinutes and <= MaxDurationMinutes && minutes % SlotMinutes == 0;

    /// <summary>On a quarter hour (UTC, whole minutes, no seconds or fractions).</summary>
    public static bool IsAligned(DateTimeOffset start) =>
        start.UtcTicks % TimeSpan.FromMinutes(SlotMinutes).Ticks == 0;
}
