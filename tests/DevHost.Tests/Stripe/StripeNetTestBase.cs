using Stripe;

namespace DaprPlatform.DevHost.Tests.Stripe;

/// <summary>
/// A stand-in hosted for one test with the unmodified Stripe.net client pointed at it, without retries (a test sees
/// each answer as it is): what the tests that judge the stand-in by the official SDK start from.
/// </summary>
public abstract class StripeNetTestBase : IAsyncLifetime
{
    private readonly HttpClient _http = new();

    /// <summary>The hosted stand-in with its recording webhook endpoint.</summary>
    protected StripeStandInHarness Harness { get; private set; } = null!;

    /// <summary>Stripe.net's client: <c>Api.V1.Subscriptions</c> and the rest.</summary>
    protected StripeClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Harness = await StripeStandInHarness.StartAsync();
        Api = new StripeClient(new StripeClientOptions
        {
            ApiKey = Harness.StandIn.Options.SecretKey,
            ApiBase = Harness.StandIn.BaseUrl.ToString().TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(_http, maxNetworkRetries: 0),
        });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await Harness.DisposeAsync();
    }
}
