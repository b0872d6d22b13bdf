namespace DaprPlatform.Payments.Domain;

/// <summary>The Stripe Price a paid plan is sold at now (found or created by the catalogue's sync at start-up).</summary>
public sealed record PlanPrice
{
    public required string PlanCode { get; init; }
    public required string PriceId { get; init; }
    public required string ProductId { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required DateTimeOffset SyncedAt { get; init; }
}
