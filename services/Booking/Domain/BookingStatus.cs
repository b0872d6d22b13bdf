namespace DaprPlatform.Booking.Domain;

/// <summary>Where a booking is in its life: pending → awaitingPayment → confirmed → completed, or cancelled / refunded.</summary>
public enum BookingStatus
{
    Pending,
    AwaitingPayment,
    Confirmed,
    Completed,
    Cancelled,
    Refunded,
}

public static class BookingStatusNames
{
    /// <summary>The status as the API and events spell it (camelCase), e.g. <c>awaitingPayment</c>.</summary>
    public static string ToWireName(this BookingStatus status) => status switch
    {
        BookingStatus.Pending => "pending",
        BookingStatus.AwaitingPayment => "awaitingPayment",
        BookingStatus.Confirmed => "confirmed",
        BookingStatus.Completed => "completed",
        BookingStatus.Cancelled => "cancelled",
        BookingStatus.Refunded => "refunded",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown booking status."),
    };

    public static bool TryParseWireName(string? value, out BookingStatus status)
    {
        foreach (var candidate in Enum.GetValues<BookingStatus>())
        {
            if (string.Equals(candidate.ToWireName(), value, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    /// <summary>A confirmed or completed booking occupies its student's and tutor's time; nothing else does.</summary>
    public static bool OccupiesTime(this BookingStatus status) => status is BookingStatus.Confirmed or BookingStatus.Completed;
}
