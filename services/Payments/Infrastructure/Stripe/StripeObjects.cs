using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.Payments.Infrastructure.Stripe;

// Stripe's JSON objects, reduced to the fields payments reads. Names are Stripe's snake_case (see StripeJson.Options).

public sealed record PaymentIntent(
    string Id,
    string Object,
    long Amount,
    long AmountReceived,
    string Currency,
    string Status,
    string? ClientSecret,
    IReadOnlyDictionary<string, string>? Metadata,
    StripeError? LastPaymentError,
    string? LatestCharge,
    string? CancellationReason,
    long Created,
    string? Customer = null,
    string? Description = null);

public sealed record Refund(string Id, long Amount, string Currency, string? Status, string? PaymentIntent, string? Reason);

public sealed record Customer(string Id, string? Email, string? Name, IReadOnlyDictionary<string, string>? Metadata);

/// <summary>The charge inside <c>charge.refunded</c>: <c>amount_refunded</c> is the running total of its refunds.</summary>
public sealed record Charge(string Id, long Amount, long AmountRefunded, string Currency, string? PaymentIntent, bool Refunded, IReadOnlyDictionary<string, string>? Metadata);

/// <summary>Stripe's error object (<c>{"error": {...}}</c>) and a PaymentIntent's <c>last_payment_error</c>.</summary>
public sealed record StripeError(
    string? Type,
    string? Code,
    string? DeclineCode,
    string? Message,
    string? Param,
    PaymentIntent? PaymentIntent = null);

/// <summary>A webhook event: <c>data.object</c> stays raw until the type says what it is.</summary>
public sealed record StripeWebhookEvent(string? Id, string? Object, string? Type, long? Created, StripeEventData? Data);

public sealed record StripeEventData(JsonElement Object);

/// <summary>Parameters of <c>POST /v1/payment_intents</c>.</summary>
public sealed record PaymentIntentCreate(
    long Amount,
    string Currency,
    string? Description,
    string? Customer,
    IReadOnlyDictionary<string, string> Metadata,
    bool AutomaticPaymentMethods = true,
    bool AllowRedirects = false);

/// <summary>Parameters of <c>POST /v1/refunds</c>; a null amount refunds everything that is left.</summary>
public sealed record RefundCreate(string PaymentIntent, long? Amount, string? Reason, IReadOnlyDictionary<string, string>? Metadata);

public sealed record CustomerCreate(string? Email, string? Name, IReadOnlyDictionary<string, string>? Metadata);

public static class StripeJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            // Metadata keys are the caller's and stay as they are.
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
