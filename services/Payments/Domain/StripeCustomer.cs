namespace DaprPlatform.Payments.Domain;

/// <summary>The Stripe Customer of a student, created on the student's first payment and reused afterwards.</summary>
public sealed record StripeCustomer
{
    public required Guid StudentId { get; init; }
    public required string CustomerId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
