namespace DaprPlatform.Payments.Domain;

/// <summary>Stripe's subscription statuses, as Stripe spells them.</summary>
public static class PlanSubscriptionStatuses
{
    public const string Incomplete = "incomplete";
    public const string IncompleteExpired = "incomplete_expired";
    public const string Trialing = "trialing";
    public const string Active = "active";
    public const string PastDue = "past_due";
    public const string Unpaid = "unpaid";
    public const string Canceled = "canceled";
    public const string Paused = "paused";

    /// <summary>Ended for good: Stripe never moves a subscription out of these.</summary>
    public static bool IsTerminal(string status) => status is Canceled or IncompleteExpired;

    /// <summary>The statuses in which the subscription's plan is in force (past_due: while the dunning saga's grace runs).</summary>
    public static bool GivesPlan(string status) => status is Active or Trialing or PastDue;
}

/// <summary>What Stripe says about a subscription at one moment (a webhook's object, or an API answer).</summary>
/// <param name="At">Stripe's time of the statement: the event's <c>created</c>; null for an API answer (older than any event after it).</param>
public sealed record SubscriptionSnapshot(string Status, string Plan, string PriceId, string ItemId, DateTimeOffset? CurrentPeriodEnd, bool CancelAtPeriodEnd, DateTimeOffset? At);

/// <summary>
/// An owner's Stripe subscription as payments last learned it. Webhooks arrive at least once and in any order: a
/// statement older than the last one applied is ignored, a terminal status is never left, and the period end never moves back.
/// </summary>
public sealed class PlanSubscription
{
    public const int MaxStatusLength = 32;
    public const int MaxInstanceIdLength = 64;

    private PlanSubscription()
    {
        Id = string.Empty;
        Status = string.Empty;
        Plan = string.Empty;
        PriceId = string.Empty;
        ItemId = string.Empty;
    }

    /// <summary>Stripe's subscription id (sub_…).</summary>
    public string Id { get; private set; }

    public Guid OwnerId { get; private set; }

    public string Status { get; private set; }

    public string Plan { get; private set; }

    public string PriceId { get; private set; }

    /// <summary>The subscription item whose price a plan change replaces.</summary>
    public string ItemId { get; private set; }

    public DateTimeOffset? CurrentPeriodEnd { get; private set; }

    public bool CancelAtPeriodEnd { get; private set; }

    /// <summary>Stripe's time of the newest statement applied (an event's created); null while only the API's answer is known.</summary>
    public DateTimeOffset? StateAt { get; private set; }

    /// <summary>The renewal invoice the dunning saga runs for; null when no renewal is unpaid.</summary>
    public string? DunningInvoiceId { get; private set; }

    public string? DunningInstanceId { get; private set; }

    public DateTimeOffset? GraceUntil { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsTerminal => PlanSubscriptionStatuses.IsTerminal(Status);

    public bool IsDunning => DunningInstanceId is not null;

    public static PlanSubscription Start(string id, Guid ownerId, SubscriptionSnapshot answer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new PlanSubscription
        {
            Id = id,
            OwnerId = ownerId,
            Status = answer.Status,
            Plan = answer.Plan,
            PriceId = answer.PriceId,
            ItemId = answer.ItemId,
            CurrentPeriodEnd = answer.CurrentPeriodEnd,
            CancelAtPeriodEnd = answer.CancelAtPeriodEnd,
            StateAt = answer.At,
            CreatedAt = DomainIds.ToMicroseconds(now),
            UpdatedAt = DomainIds.ToMicroseconds(now),
        };
    }

    /// <returns>True when the row changed.</returns>
    public bool Apply(SubscriptionSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (IsTerminal || (snapshot.At is { } at && StateAt is { } seen && at < seen))
        {
            return false;
        }

        var periodEnd = CurrentPeriodEnd is { } known && snapshot.CurrentPeriodEnd is { } told && told < known ? known : snapshot.CurrentPeriodEnd ?? CurrentPeriodEnd;
        var changed = Status != snapshot.Status || Plan != snapshot.Plan || PriceId != snapshot.PriceId || ItemId != snapshot.ItemId
            || CurrentPeriodEnd != periodEnd || CancelAtPeriodEnd != snapshot.CancelAtPeriodEnd;
        Status = snapshot.Status;
        Plan = snapshot.Plan;
        PriceId = snapshot.PriceId;
        ItemId = snapshot.ItemId;
        CurrentPeriodEnd = periodEnd;
        CancelAtPeriodEnd = snapshot.CancelAtPeriodEnd;
        if (snapshot.At is { } applied && (StateAt is null || applied > StateAt))
        {
            StateAt = applied;
        }

        if (changed)
        {
            UpdatedAt = DomainIds.ToMicroseconds(now);
        }

        return changed;
    }

    /// <summary>A status Stripe stated outside a subscription object (an invoice event), with the same ordering rule.</summary>
    public bool ApplyStatus(string status, DateTimeOffset at, DateTimeOffset now)
    {
        if (IsTerminal || (StateAt is { } seen && at < seen) || Status == status)
        {
            return false;
        }

        Status = status;
        StateAt = at;
        UpdatedAt = DomainIds.ToMicroseconds(now);
        return true;
    }

    /// <summary>The dunning saga started for this unpaid renewal; a second failure of the same invoice starts nothing new.</summary>
    public bool BeginDunning(string invoiceId, string instanceId, DateTimeOffset graceUntil, DateTimeOffset now)
    {
        if (DunningInvoiceId == invoiceId)
        {
            return false;
        }

        DunningInvoiceId = invoiceId;
        DunningInstanceId = instanceId;
        GraceUntil = DomainIds.ToMicroseconds(graceUntil);
        UpdatedAt = DomainIds.ToMicroseconds(now);
        return true;
    }

    /// <summary>The renewal was paid (or the subscription ended): the saga was told, the grace is over.</summary>
    public void EndDunning()
    {
        DunningInvoiceId = null;
        DunningInstanceId = null;
        GraceUntil = null;
    }

    /// <summary>Canceled by us (the dunning saga's downgrade): terminal at once, whatever Stripe's events say later.</summary>
    public bool MarkCanceled(DateTimeOffset now)
    {
        if (Status == PlanSubscriptionStatuses.Canceled)
        {
            return false;
        }

        Status = PlanSubscriptionStatuses.Canceled;
        CancelAtPeriodEnd = false;
        EndDunning();
        UpdatedAt = DomainIds.ToMicroseconds(now);
        return true;
    }

    /// <summary>The dunning saga's instance for an unpaid renewal: one per subscription and invoice, short enough for Dapr (64).</summary>
    public static string DunningInstanceIdFor(string subscriptionId, string invoiceId) =>
        $"dunning-{DomainIds.NameBased($"{subscriptionId}:{invoiceId}"):N}";
}
