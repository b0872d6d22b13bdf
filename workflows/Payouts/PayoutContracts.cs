using System.Globalization;

namespace DaprPlatform.Workflows.Payouts;

/// <summary>Configuration section "Payouts": how long a payout period is (a week by default; tests use a minute).</summary>
public sealed class PayoutOptions
{
    public const string SectionName = "Payouts";

    public TimeSpan Period { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>A payout period: [<see cref="Start"/>, <see cref="End"/>) in UTC.</summary>
public sealed record PayoutPeriod(DateTime Start, DateTime End)
{
    /// <summary>
    /// The period <paramref name="at"/> falls in: periods are whole multiples of <paramref name="length"/> counted from the
    /// Unix epoch, so every replica and every restart agrees on them without storing a calendar.
    /// </summary>
    public static PayoutPeriod Containing(DateTime at, TimeSpan length)
    {
        if (length <= TimeSpan.Zero) { throw new ArgumentOutOfRangeException(nameof(length), "A payout period must be positive."); }
        var sinceEpoch = at.ToUniversalTime() - DateTime.UnixEpoch;
        var start = DateTime.UnixEpoch + TimeSpan.FromTicks(sinceEpoch.Ticks / length.Ticks * length.Ticks);
        return new PayoutPeriod(start, start + length);
    }

    /// <summary>The saga instance of a tutor's period: one per tutor and period, whoever starts it (calendar or on demand).</summary>
    public string InstanceIdFor(Guid tutorId) => string.Create(CultureInfo.InvariantCulture, $"payout-{tutorId:N}-{Start:yyyyMMddHHmmss}");
}

/// <summary>The step names: custom status, activity idempotency keys.</summary>
public static class PayoutSteps
{
    public const string OpenPayout = "OpenPayout";
    public const string TransferPayout = "TransferPayout";
    public const string Done = "Done";
}

/// <summary>How a payout saga ended: the payout's final status (completed, failed, skipped), or unavailable when payments never answered.</summary>
public static class PayoutOutcomes
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Unavailable = "unavailable";
}

/// <param name="PeriodStart">UTC.</param>
/// <param name="PeriodEnd">UTC.</param>
public sealed record TutorPayoutInput(Guid TutorId, DateTime PeriodStart, DateTime PeriodEnd);

/// <summary>What payments answered about the payout: its id, status and amount.</summary>
/// <param name="Status">pending, completed, failed or skipped.</param>
public sealed record PayoutState(Guid PayoutId, string Status, long Amount, string Currency, string? TransferId, string? FailureReason);

public sealed record PayoutRef(Guid PayoutId);

/// <summary>The saga's custom status.</summary>
public sealed record PayoutProgress(string Step, Guid? PayoutId = null, string? Reason = null);

public sealed record TutorPayoutOutput(Guid? PayoutId, string Outcome, long Amount, string? TransferId, string? Reason);

/// <param name="PeriodSeconds">The period length it runs with (fixed for the calendar instance's life).</param>
/// <param name="NextPeriodEnd">When it next wakes up: the end of the period whose payouts it then starts.</param>
public sealed record PayoutCalendarInput(long PeriodSeconds, DateTime NextPeriodEnd);

/// <summary>The calendar's custom status: the last period it started payouts for and how many.</summary>
public sealed record PayoutCalendarProgress(DateTime NextPeriodEnd, DateTime? LastPeriodEnd, int LastStarted);

public sealed record DuePeriod(DateTime PeriodStart, DateTime PeriodEnd);

/// <summary>The sagas a period's wake-up started (or found started).</summary>
public sealed record DuePayoutsStarted(int Tutors, int Started);
