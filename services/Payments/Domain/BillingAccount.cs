namespace DaprPlatform.Payments.Domain;

/// <summary>Why an owner's plan in force changed: plan.changed's <c>reason</c>.</summary>
public static class PlanChangeReasons
{
    public const string Subscribed = "subscribed";
    public const string Changed = "changed";
    public const string Canceled = "canceled";
    public const string Downgraded = "downgraded";
    public const string Restored = "restored";
}

/// <summary>
/// An owner's billing row: their Stripe Customer (created once), the plan in force and its version. Only Stripe's word
/// (webhooks, or the dunning saga's downgrade) moves the plan; each move is one plan.changed with the next version.
/// </summary>
public sealed class BillingAccount
{
    public const int MaxTestClockIdLength = 255;

    private BillingAccount()
    {
        CustomerId = string.Empty;
        Plan = string.Empty;
    }

    public Guid OwnerId { get; private set; }

    public string CustomerId { get; private set; }

    /// <summary>The Stripe test clock the customer lives on (test mode with Billing:UseTestClocks only).</summary>
    public string? TestClockId { get; private set; }

    /// <summary>The code of the plan in force.</summary>
    public string Plan { get; private set; }

    /// <summary>plan.changed's version: 0 before the first change, +1 with each.</summary>
    public long PlanVersion { get; private set; }

    /// <summary>The reason of the last change (a resubscription after a downgrade is "restored").</summary>
    public string? LastChangeReason { get; private set; }

    /// <summary>How many subscriptions the owner has started: the next one's Stripe idempotency key is derived from it.</summary>
    public int SubscriptionsStarted { get; private set; }

    /// <summary>How many times the owner gave a new card: the next card update's Stripe idempotency keys are derived from it.</summary>
    public int CardUpdates { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static BillingAccount Open(Guid ownerId, string customerId, string? testClockId, string freePlan, DateTimeOffset now) => new()
    {
        OwnerId = ownerId,
        CustomerId = customerId,
        TestClockId = testClockId,
        Plan = freePlan,
        CreatedAt = DomainIds.ToMicroseconds(now),
        UpdatedAt = DomainIds.ToMicroseconds(now),
    };

    public void RecordSubscriptionStarted(DateTimeOffset now)
    {
        SubscriptionsStarted++;
        UpdatedAt = DomainIds.ToMicroseconds(now);
    }

    /// <summary>A new card was attached and made the default at Stripe (a declined one leaves the count, so it is retried as the same request).</summary>
    public void RecordCardUpdate(DateTimeOffset now)
    {
        CardUpdates++;
        UpdatedAt = DomainIds.ToMicroseconds(now);
    }

    /// <summary>
    /// Moves the plan in force to <paramref name="plan"/>. A move up from free after a downgrade is "restored"; from free,
    /// "subscribed"; between paid plans, "changed"; down to free, <paramref name="toFreeReason"/> (canceled or downgraded).
    /// </summary>
    /// <returns>The previous plan and the reason, or null when the plan in force is already <paramref name="plan"/>.</returns>
    public (string Previous, string Reason)? MoveTo(Plan plan, bool previousIsFree, string toFreeReason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Code == Plan)
        {
            return null;
        }

        var reason = plan.IsFree
            ? toFreeReason
            : previousIsFree
                ? LastChangeReason == PlanChangeReasons.Downgraded ? PlanChangeReasons.Restored : PlanChangeReasons.Subscribed
                : PlanChangeReasons.Changed;
        var previous = Plan;
        Plan = plan.Code;
        PlanVersion++;
        LastChangeReason = reason;
        UpdatedAt = DomainIds.ToMicroseconds(now);
        return (previous, reason);
    }
}
