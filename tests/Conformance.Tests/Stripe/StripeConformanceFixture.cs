using System.Net.Http.Json;
using Stripe;

namespace DaprPlatform.Conformance.Tests.Stripe;

/// <summary>
/// Only what the Stripe tests need: DevHost's Stripe stand-in hosted alone with a webhook endpoint that records what it
/// receives (<see cref="StripeStandInHarness"/>), and Stripe.net clients pointed at it through <c>ApiBase</c>, as
/// payments points its client at it. No DevHost, no apps, no database.
/// </summary>
public sealed class StripeConformanceFixture : IAsyncLifetime
{
    private readonly HttpClient _http = new();

    public StripeStandInHarness StandIn { get; private set; } = null!;

    /// <summary>The endpoint secret the stand-in signs webhooks with.</summary>
    public string WebhookSecret => StandIn.StandIn.Options.WebhookSecret;

    public async Task InitializeAsync() => StandIn = await StripeStandInHarness.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await StandIn.DisposeAsync();
    }

    /// <summary>An unmodified Stripe.net client on the stand-in: the stand-in's test key (or <paramref name="apiKey"/>), Stripe.net's pinned version and retries.</summary>
    public StripeClient Client(int maxNetworkRetries = SystemNetHttpClient.DefaultMaxNumberRetries, string? apiKey = null) => new(new StripeClientOptions
    {
        ApiKey = apiKey ?? StandIn.StandIn.Options.SecretKey,
        ApiBase = StandIn.StandIn.BaseUrl.ToString().TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(_http, maxNetworkRetries),
    });

    /// <summary>The control API's throttle: the next <paramref name="requests"/> API requests answer 429 <paramref name="code"/>.</summary>
    public async Task ThrottleAsync(int requests, string code)
    {
        using var response = await StandIn.Client.PostAsJsonAsync("/standin/throttle", new { requests, code });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>How many requests the throttle refused since it was last set.</summary>
    public async Task<int> RefusedAsync() => (await StandIn.GetJsonAsync("/standin/throttle")).GetProperty("refused").GetInt32();

    /// <summary>The webhook the endpoint received of <paramref name="type"/> whose data.object satisfies <paramref name="about"/>.</summary>
    public async Task<ReceivedWebhook> WebhookAsync(string type, Func<JsonElement, bool> about) =>
        (await Eventually.UntilAsync(
            type,
            _ => Task.FromResult(StandIn.Received.Where(w => w.Type == type && about(w.Json.GetProperty("data").GetProperty("object"))).ToList()),
            found => found.Count > 0,
            TimeSpan.FromSeconds(20),
            _ => string.Join(", ", StandIn.Received.Select(w => w.Type)))).First();
}
