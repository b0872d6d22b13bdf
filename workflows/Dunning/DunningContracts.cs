namespace DaprPlatform.Workflows.Dunning;

/// <summary>
/// Configuration section "Dunning": how long an owner whose renewal failed keeps the paid plan, and when in that grace
/// they are reminded (offsets from the failure). Tests use seconds.
/// </summary>
public sealed class DunningOptions
{
    public const string SectionName = "Dunning";

    public static readonly IReadOnlyList<TimeSpan> DefaultReminders = [TimeSpan.Zero, TimeSpan.FromDays(3), TimeSpan.FromDays(6)];

    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Null: <see cref="DefaultReminders"/> (a list default would be appended to by the configuration binder).</summary>
    public List<TimeSpan>? Reminders { get; set; }

    /// <summary>How long a failed downgrade waits before the saga tries it again.</summary>
    public TimeSpan DowngradeRetryInterval { get; set; } = TimeSpan.FromMinutes(10);

    public IReadOnlyList<TimeSpan> EffectiveReminders => Reminders is { Count: > 0 } configured ? configured : DefaultReminders;

    public bool IsValid => GracePeriod > TimeSpan.Zero && DowngradeRetryInterval > TimeSpan.Zero
        && EffectiveReminders.All(r => r >= TimeSpan.Zero && r < GracePeriod);
}

/// <summary>The event payments raises when the unpaid renewal is paid.</summary>
public static class DunningEvents
{
    public const string PaymentRecovered = "payment-recovered";
}

/// <summary>The step names: custom status, activity idempotency keys.</summary>
public static class DunningSteps
{
    public const string WaitingForPayment = "WaitingForPayment";
    public const string CheckSubscription = "CheckSubscription";
    public const string Downgrade = "Downgrade";
    public const string NotifyDowngraded = "NotifyDowngraded";
    public const string NotifyRecovered = "NotifyRecovered";
    public const string Done = "Done";

    public static string Reminder(int number) => $"Reminder{number}";
}

/// <summary>How a dunning saga ended.</summary>
public static class DunningOutcomes
{
    public const string Recovered = "recovered";
    public const string Downgraded = "downgraded";
    public const string Failed = "failed";
}

/// <summary>What the notices are about (notifications words them).</summary>
public static class DunningNoticeKinds
{
    public const string Reminder = "payment-reminder";
    public const string Downgraded = "plan-downgraded";
    public const string Recovered = "payment-received";
}

/// <param name="GraceUntil">UTC: the downgrade happens then unless the renewal is paid.</param>
/// <param name="Reminders">UTC, in order: when the owner is reminded.</param>
public sealed record DunningInput(string SubscriptionId, Guid OwnerId, string InvoiceId, DateTime GraceUntil, IReadOnlyList<DateTime> Reminders, long DowngradeRetrySeconds);

public sealed record PaymentRecovered(string? InvoiceId);

public sealed record SubscriptionRef(string SubscriptionId);

/// <summary>What payments says about the subscription.</summary>
/// <param name="Recovered">True when payments refused the downgrade because the subscription is active again.</param>
public sealed record SubscriptionState(string Status, string Plan, bool Recovered);

/// <param name="Number">The reminder's number (1-based) for reminders; 0 otherwise.</param>
public sealed record DunningNotice(Guid OwnerId, string Kind, string Step, DateTime GraceUntil, int Number, string? Plan);

/// <summary>The saga's custom status: the step, the grace end, the reminders sent and the last problem it worked around.</summary>
public sealed record DunningProgress(string Step, DateTime GraceUntil, int RemindersSent, DateTime? NextReminderAt = null, string? Reason = null);

public sealed record DunningOutput(string Outcome, int RemindersSent, int RemindersFailed, int DowngradeAttempts, string? Reason);
