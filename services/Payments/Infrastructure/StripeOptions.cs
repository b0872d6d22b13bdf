using Stripe;

namespace DaprPlatform.Payments.Infrastructure;

/// <summary>
/// Configuration section "Stripe". Keys are case-insensitive, so the secret store's "stripe:secretKey" and
/// "stripe:webhookSecret" land here next to "Stripe:BaseUrl" from appsettings.
/// </summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>Stripe's API, or a stand-in (DevHost's, stripe-mock) for offline runs: the client's <c>ApiBase</c>.</summary>
    public Uri BaseUrl { get; set; } = new(StripeClient.DefaultApiBase);

    /// <summary>sk_test_… / sk_live_… (secret <c>stripe:secretKey</c>); without it the Stripe routes answer 503.</summary>
    public string? SecretKey { get; set; }

    /// <summary>The endpoint's signing secret, whsec_… (secret <c>stripe:webhookSecret</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Upper bound for one attempt (the HttpClient's timeout; Stripe.net sends each retry separately).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Stripe.net's <c>MaxNetworkRetries</c>: retries with the same idempotency key after a transport failure, 409, 5xx or <c>Stripe-Should-Retry: true</c>.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>How far a webhook's signed timestamp may be from now (Stripe.net's default is 300 s).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromSeconds(EventUtility.DefaultTimeTolerance);

    /// <summary>Largest webhook body read; Stripe's events are far smaller.</summary>
    public int MaxWebhookBytes { get; set; } = 256 * 1024;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretKey);
}
