namespace DaprPlatform.Payments.Infrastructure.Stripe;

/// <summary>
/// A Stripe request that did not succeed: Stripe's error object with the HTTP status and <c>Request-Id</c>, or (status
/// null, type <c>api_connection_error</c>) no usable answer after the retries.
/// </summary>
public sealed class StripeApiException : Exception
{
    public StripeApiException()
    {
    }

    public StripeApiException(string message)
        : base(message)
    {
    }

    public StripeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StripeApiException(int? statusCode, StripeError? error, string? requestId, Exception? innerException = null)
        : base(Describe(statusCode, error), innerException)
    {
        StatusCode = statusCode;
        Type = error?.Type;
        Code = error?.Code;
        DeclineCode = error?.DeclineCode;
        Param = error?.Param;
        StripeMessage = error?.Message;
        PaymentIntent = error?.PaymentIntent;
        RequestId = requestId;
    }

    public const string ConnectionErrorType = "api_connection_error";

    /// <summary>Null when Stripe never answered (transport failure or timeout).</summary>
    public int? StatusCode { get; }

    /// <summary>api_error, card_error, idempotency_error, invalid_request_error — or api_connection_error.</summary>
    public string? Type { get; }

    public string? Code { get; }
    public string? DeclineCode { get; }
    public string? Param { get; }
    public string? StripeMessage { get; }

    /// <summary>For a declined confirm: the intent as it now stands (back to requires_payment_method with last_payment_error).</summary>
    public PaymentIntent? PaymentIntent { get; }

    public string? RequestId { get; }

    public bool IsCardError => Type == "card_error";

    /// <summary>Stripe is down, overloaded, unreachable or answered nonsense, or refused our key: not the caller's fault.</summary>
    public bool IsUpstreamFailure => StatusCode is null or < 400 or 401 or 403 or 429 or >= 500;

    private static string Describe(int? status, StripeError? error) =>
        status is null
            ? $"Stripe could not be reached: {error?.Message ?? "no answer"}"
            : $"Stripe answered {status} {error?.Type ?? "without an error object"}{(error?.Code is { } code ? $" ({code})" : string.Empty)}: {error?.Message}";
}
