using System.Globalization;
using DaprPlatform.DevHost.Telegram;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// A local stand-in for Stripe's API in test mode (PaymentIntents with the test payment methods, Refunds, Charges,
/// Customers, Events; Connect's Express accounts, Account Links, Transfers and Balance; Billing's Products, Prices,
/// Subscriptions, Invoices and test clocks), sending signed webhooks to one endpoint, plus a control API under <c>/standin</c>. A documented
/// test double: state lives in memory and is gone when it stops.
/// </summary>
public sealed class StripeStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _webhookClient;
    private readonly ITimer _billingClock;

    private StripeStandIn(WebApplication app, HttpClient webhookClient, ITimer billingClock, StripeWebhooks webhooks, StripeStandInOptions options)
    {
        _app = app;
        _webhookClient = webhookClient;
        _billingClock = billingClock;
        Webhooks = webhooks;
        Options = options;
        BaseUrl = new Uri($"http://127.0.0.1:{options.Port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>What the apps get as <c>Stripe__BaseUrl</c> (they call <c>{BaseUrl}/v1/…</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The options it runs with, the webhook URL included.</summary>
    public StripeStandInOptions Options { get; }

    public StripeWebhooks Webhooks { get; }

    /// <summary>How often Billing's due work for customers without a test clock is looked for between requests.</summary>
    private static readonly TimeSpan BillingTick = TimeSpan.FromSeconds(30);

    /// <summary>The variables an app needs to talk to the stand-in instead of api.stripe.com.</summary>
    public IReadOnlyDictionary<string, string> AppEnvironment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Stripe__BaseUrl"] = BaseUrl.ToString().TrimEnd('/'),
        ["Stripe__SecretKey"] = Options.SecretKey,
        ["Stripe__WebhookSecret"] = Options.WebhookSecret,
    };

    public static async Task<StripeStandIn> StartAsync(StripeStandInOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Check(options) is { } problem) { throw new DevHostConfigurationException($"Stripe stand-in: {problem}"); }

        var app = LoopbackListener.Build(options.Port);
        var webhookClient = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var webhooks = new StripeWebhooks(options, webhookClient, time);
        var transferFailures = new StripeTransferFailures();
        var ledger = new StripeLedger(time, webhooks, new Uri($"http://127.0.0.1:{options.Port.ToString(CultureInfo.InvariantCulture)}"), transferFailures);
        var throttle = new StripeThrottle();
        StripeApiEndpoints.Map(app, ledger, webhooks, new StripeIdempotency(time), throttle, options);
        StripeControlEndpoints.Map(app, webhooks, throttle, transferFailures);
        StripeConnectPages.Map(app, ledger);
        StripeInvoicePages.Map(app, ledger);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            await webhooks.DisposeAsync();
            webhookClient.Dispose();
            throw new DevHostConfigurationException($"Stripe stand-in cannot listen on 127.0.0.1:{options.Port}: {ex.Message}");
        }

        // Renewals, retries and expiries of customers without a test clock happen in DevHost's time even when no request comes.
        var billingClock = time.CreateTimer(_ =>
        {
            try
            {
                lock (ledger.Gate) { ledger.RunDue(); }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A fault in due work must not bring DevHost down from a timer thread; the next API request runs the
                // same work first and answers with the failure, where a test or a developer sees it.
            }
        }, null, BillingTick, BillingTick);
        return new StripeStandIn(app, webhookClient, billingClock, webhooks, options);
    }

    private static string? Check(StripeStandInOptions o)
    {
        if (!o.SecretKey.StartsWith("sk_test_", StringComparison.Ordinal) || o.SecretKey.Length == "sk_test_".Length)
        {
            return $"secret key '{o.SecretKey}' is not a test-mode secret key (sk_test_…).";
        }

        if (!o.WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal) || o.WebhookSecret.Length == "whsec_".Length)
        {
            return "the webhook secret must be an endpoint secret of the form whsec_….";
        }

        if (o.WebhookUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            return $"webhook URL '{url}' is not an absolute http(s) URL.";
        }

        if (o.WebhookMaxAttempts < 1) { return "WebhookMaxAttempts must be at least 1."; }
        foreach (var version in new[] { o.ApiVersion, o.WebhookApiVersion })
        {
            if (version is not null && StripeApiVersions.Problem(version) is { } invalid) { return invalid; }
        }

        return o.WebhookFirstRetryDelay < TimeSpan.Zero ? "WebhookFirstRetryDelay must not be negative." : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _billingClock.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await Webhooks.DisposeAsync();
        _webhookClient.Dispose();
    }
}
