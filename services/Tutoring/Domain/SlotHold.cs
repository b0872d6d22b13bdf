using DaprPlatform.Monetary;
namespace DaprPlatform.Tutoring.Domain;

public enum HoldStatus
{
    Held,
    Booked,
    Released,
    Expired,
}

/// <summary>Thrown for a transition the hold's state does not allow (answered as 409).</summary>
public sealed class IllegalHoldTransitionException(string message) : InvalidOperationException(message);

/// <summary>
/// A tutor's slot reserved for one booking while the student pays. Held → Booked, Held/Booked/Expired → Released,
/// Held → Expired once <see cref="ExpiresAt"/> passes. Only held (not yet expired) and booked holds occupy the slot;
/// the database's exclusion constraint guarantees two of those never overlap for one tutor.
/// </summary>
public sealed class SlotHold
{
    public const int MinHoldMinutes = 1;
    public const int MaxHoldMinutes = 180;
    public const int MinDurationMinutes = 30;
    public const int MaxDurationMinutes = 240;

    private SlotHold()
    {
        TutorName = string.Empty;
        PriceCurrency = string.Empty;
    }

    public Guid BookingId { get; private set; }
    public Guid TutorId { get; private set; }
    public string TutorName { get; private set; }
    public Guid StudentId { get; private set; }
    public DateTimeOffset Start { get; private set; }
    public DateTimeOffset End { get; private set; }
    public long PriceMinorUnits { get; private set; }
    public string PriceCurrency { get; private set; }
    public HoldStatus Status { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public Money Price => new(PriceMinorUnits, Monetary.Currency.Parse(PriceCurrency));

    public TimeRange Range => new(Start, End);

    public static SlotHold Place(Guid bookingId, TutorProfile tutor, Guid studentId, DateTimeOffset start, int durationMinutes, int holdMinutes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tutor);
        ArgumentOutOfRangeException.ThrowIfLessThan(durationMinutes, MinDurationMinutes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(durationMinutes, MaxDurationMinutes);
        ArgumentOutOfRangeException.ThrowIfLessThan(holdMinutes, MinHoldMinutes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(holdMinutes, MaxHoldMinutes);
        if (bookingId == Guid.Empty || studentId == Guid.Empty)
        {
            throw new ArgumentException("A hold needs a booking and a student.");
        }

        if (studentId == tutor.TutorId)
        {
            throw new ArgumentException("A tutor cannot book themselves.", nameof(studentId));
        }

        var at = Instants.ToStoragePrecision(now);
        var price = tutor.PriceFor(durationMinutes);
        return new SlotHold
        {
            BookingId = bookingId,
            TutorId = tutor.TutorId,
            TutorName = tutor.DisplayName,
            StudentId = studentId,
            Start = start.ToUniversalTime(),
            End = start.ToUniversalTime().AddMinutes(durationMinutes),
            PriceMinorUnits = price.MinorUnits,
            PriceCurrency = price.Currency.Code,
            Status = HoldStatus.Held,
            ExpiresAt = at.AddMinutes(holdMinutes),
            CreatedAt = at,
            UpdatedAt = at,
        };
    }

    /// <summary>The status as of <paramref name="now"/>: a held row past its expiry is expired even before it is marked.</summary>
    public HoldStatus StatusAt(DateTimeOffset now) =>
        Status == HoldStatus.Held && ExpiresAt <= now ? HoldStatus.Expired : Status;

    public bool IsSameSlot(Guid tutorId, Guid studentId, DateTimeOffset start, DateTimeOffset end) =>
        TutorId == tutorId && StudentId == studentId && Start == start && End == end;

    /// <summary>
    /// Confirms the slot for the booking. True when the status changed; false when already booked. From expired the
    /// caller must let the database re-check that the slot is still free (the exclusion constraint does).
    /// </summary>
    public bool Book(DateTimeOffset now)
    {
        switch (Status)
        {
            case HoldStatus.Booked:
                return false;
            case HoldStatus.Released:
                throw new IllegalHoldTransitionException($"The hold for booking {BookingId} was released; it cannot be booked.");
            default:
                Status = HoldStatus.Booked;
                UpdatedAt = Instants.ToStoragePrecision(now);
                return true;
        }
    }

    /// <summary>Frees the slot. True when the status changed; false when already released.</summary>
    public bool Release(DateTimeOffset now)
    {
        if (Status == HoldStatus.Released)
        {
            return false;
        }

        Status = HoldStatus.Released;
        UpdatedAt = Instants.ToStoragePrecision(now);
        return true;
    }

    public static string WireName(HoldStatus status) => status switch
    {
        HoldStatus.Held => "held",
        HoldStatus.Booked => "booked",
        HoldStatus.Released => "released",
        _ => "expired",
    };
}
