using System.Text.Json.Serialization;
using DaprPlatform.Monetary;
using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Domain;

namespace DaprPlatform.Payments.Features;

/// <param name="ClientSecret">Only in the create answer and to the paying student (it lets a browser confirm the intent).</param>
public sealed record PaymentResponse(
    Guid PaymentId,
    Guid BookingId,
    Guid StudentId,
    MoneyPayload Amount,
    MoneyPayload Refunded,
    string Status,
    string PaymentIntentId,
    string? FailureCode,
    string? FailureMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientSecret)
{
    public static PaymentResponse From(Payment p, bool withClientSecret)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(
            p.Id,
            p.BookingId,
            p.StudentId,
            MoneyPayload.From(p.AmountMoney),
            MoneyPayload.From(p.RefundedMoney),
            p.Status.WireName(),
            p.PaymentIntentId,
            p.FailureCode,
            p.FailureMessage,
            p.CreatedAt,
            p.UpdatedAt,
            withClientSecret ? p.ClientSecret : null);
    }
}

/// <summary>The refund route's answer.</summary>
public sealed record RefundResponse(Guid PaymentId, string RefundId, MoneyPayload Amount, PaymentResponse Payment);
