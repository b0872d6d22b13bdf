namespace DaprPlatform.Payments.Domain;

/// <summary>
/// A Stripe webhook event this service took in. Stripe delivers at least once; the event id is the primary key, so a
/// redelivery finds its row and has no second effect.
/// </summary>
public sealed record StripeEvent
{
    public const int MaxIdLength = 255;
    public const int MaxTypeLength = 100;

    public required string Id { get; init; }
    public required string Type { get; init; }

    /// <summary>The payment the event was applied to; null when it named none of ours or its type is not handled.</summary>
    public Guid? PaymentId { get; init; }

    /// <summary>applied, unchanged (known payment, nothing new) or ignored.</summary>
    public required string Outcome { get; init; }

    /// <summary>Stripe's <c>created</c> of the event.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}
