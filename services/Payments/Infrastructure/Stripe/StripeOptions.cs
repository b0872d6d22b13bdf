namespace DaprPlatform.Payments.Infrastructure.Stripe;

/// <summary>
/// Configuration section "Stripe". Keys are case-insensitive, so the secret store's "stripe:secretKey" and
/// "stripe:webhookSecret" land here next to "Stripe:BaseUrl" from appsettings.
/// </summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>Stripe's API, or a stand-in (DevHost's, stripe-mock) for offline runs.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.stripe.com");

    /// <summary>sk_test_… / sk_live_… (secret <c>stripe:secretKey</c>).</summary>
    public string? SecretKey { get; set; }

    /// <summary>The endpoint's signing secret, whsec_… (secret <c>stripe:webhookSecret</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Sent as <c>Stripe-Version</c> on every request, so an account-level upgrade cannot change the shapes we parse.</summary>
    public string ApiVersion { get; set; } = "2024-06-20";

    /// <summary>Upper bound for one attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a transport failure, 429 or 5xx (each with the same idempotency key); 4xx are never retried.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Delay before the first retry; doubles per retry.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How far a webhook's signed timestamp may be from now (Stripe's libraries default to 300 s).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Largest webhook body read; Stripe's events are far smaller.</summary>
    public int MaxWebhookBytes { get; set; } = 256 * 1024;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretKey);
}
