using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// A fresh database, the fake Stripe (Billing included) and the payments app with test clocks on, per test class; its
/// sidecar is a fake that answers the workflows app's dunning calls and accepts publishes.
/// </summary>
public sealed class PlansFixture : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new("plans");

    public FakeStripe Stripe { get; private set; } = null!;

    public FakeSidecar Sidecar { get; private set; } = null!;

    public ServiceFactory<Program, PaymentsDbContext> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Stripe = await FakeStripe.StartAsync();
        Sidecar = await FakeSidecar.StartAsync(recordBodies: true);
        Sidecar.Handler = context => DefaultReply(context.Request.Method, context.Request.Path.Value ?? "/").WriteToAsync(context);
        Factory = CreateFactory();
        _ = Factory.Server;
        await WaitForCatalogueAsync(Factory, 2);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Stripe.DisposeAsync();
        await Sidecar.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>A payments app on this fixture's database, Stripe and sidecar; <paramref name="more"/> overrides settings (e.g. a plan's price).</summary>
    public ServiceFactory<Program, PaymentsDbContext> CreateFactory(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:payments"] = Database.ConnectionString,
            ["Stripe:BaseUrl"] = Stripe.BaseUrl.ToString(),
            ["Stripe:MaxRetries"] = "0",
            ["stripe:secretKey"] = FakeStripe.SecretKey,
            ["stripe:webhookSecret"] = PaymentsFixture.WebhookSecret,
            ["Billing:UseTestClocks"] = "true",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new(settings) { Sidecar = Sidecar.Endpoint };
    }

    /// <summary>Waits until the catalogue's sync has stored <paramref name="paidPlans"/> prices.</summary>
    public static async Task WaitForCatalogueAsync(ServiceFactory<Program, PaymentsDbContext> factory, int paidPlans, Func<Domain.PlanPrice, bool>? done = null)
    {
        for (var i = 0; i < 200; i++)
        {
            var prices = await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.PlanPrices));
            if (prices.Count == paidPlans && (done is null || prices.Any(done)))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The plan catalogue was not synchronised with Stripe.");
    }

    public static readonly DateTimeOffset GraceUntil = new(2026, 12, 14, 10, 0, 0, TimeSpan.Zero);

    private static SidecarReply DefaultReply(string method, string path) => path switch
    {
        "/v1.0/invoke/workflows/method/internal/dunning" when method == "POST" => new SidecarReply(202,
            $$"""{"instanceId":"dunning-x","graceUntil":"{{GraceUntil.ToString("O", CultureInfo.InvariantCulture)}}","started":true}"""),
        _ when path.StartsWith("/v1.0/invoke/workflows/method/internal/dunning/", StringComparison.Ordinal) && path.EndsWith("/payment-recovered", StringComparison.Ordinal)
            => new SidecarReply(202, """{"instanceId":"dunning-x","raised":true}"""),
        _ when path.StartsWith("/v1.0/publish/", StringComparison.Ordinal) => new SidecarReply(204),
        _ when path.StartsWith("/v1.0/healthz", StringComparison.Ordinal) => new SidecarReply(204),
        _ => new SidecarReply(500, """{"errorCode":"ERR_UNEXPECTED","message":"the test did not expect this call"}"""),
    };

    public HttpClient Owner(Guid ownerId) => Factory.CreateClientFor(ownerId, PlatformRoles.ChannelOwner);

    /// <summary>Subscribes the owner with a good card; answers the Stripe subscription id.</summary>
    public async Task<string> SubscribeAsync(Guid ownerId, string plan = "pro")
    {
        using var owner = Owner(ownerId);
        using var response = await owner.PostAsJsonAsync("/api/subscriptions", new { plan, paymentMethod = "pm_card_visa" });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("subscriptionId").GetString()!;
    }

    /// <summary>Subscribes the owner and delivers Stripe's customer.subscription.created (active) at <paramref name="at"/>: the plan is in force.</summary>
    public async Task<(string SubscriptionId, string CustomerId)> ActiveSubscriptionAsync(Guid ownerId, DateTimeOffset at, string plan = "pro")
    {
        var subscriptionId = await SubscribeAsync(ownerId, plan);
        var subscription = Stripe.Subscription(subscriptionId);
        await DeliverAsync("customer.subscription.created", subscription, at);
        return (subscriptionId, subscription["customer"]!.GetValue<string>());
    }

    public async Task<JsonElement> MineAsync(Guid ownerId)
    {
        using var owner = Owner(ownerId);
        return await owner.GetFromJsonAsync<JsonElement>("/api/subscriptions/mine");
    }

    /// <summary>Posts a signed Stripe event about <paramref name="subject"/> created at <paramref name="created"/>; answers the receipt's status.</summary>
    public async Task<string> DeliverAsync(string type, JsonObject subject, DateTimeOffset created, string? eventId = null)
    {
        using var response = await PostEventAsync(EventJson(eventId ?? PaymentsFixture.NewEventId(), type, subject, created));
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(body);
        return JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()!;
    }

    /// <summary>A Stripe event envelope in the API version Stripe.net pins.</summary>
    public static string EventJson(string eventId, string type, JsonObject subject, DateTimeOffset created) =>
        $$$"""{"id":"{{{eventId}}}","object":"event","api_version":"{{{PaymentsFixture.ApiVersion}}}","created":{{{created.ToUnixTimeSeconds()}}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"{{{type}}}","data":{"object":{{{subject.ToJsonString()}}}}}""";

    /// <summary>Posts a signed event as Stripe would.</summary>
    public async Task<HttpResponseMessage> PostEventAsync(string json)
    {
        using var client = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhooks/stripe") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", PaymentsFixture.SignatureHeader(json, PaymentsFixture.WebhookSecret));
        return await client.SendAsync(request);
    }

    /// <summary>An invoice of a subscription, as Stripe's invoice.* events carry it.</summary>
    public static JsonObject Invoice(string invoiceId, string subscriptionId, string customerId, string billingReason, string status) => new()
    {
        ["id"] = invoiceId,
        ["object"] = "invoice",
        ["customer"] = customerId,
        ["status"] = status,
        ["billing_reason"] = billingReason,
        ["amount_due"] = 900,
        ["currency"] = "usd",
        ["attempt_count"] = 1,
        ["parent"] = new JsonObject { ["type"] = "subscription_details", ["subscription_details"] = new JsonObject { ["subscription"] = subscriptionId, ["metadata"] = new JsonObject() } },
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false,
    };

    /// <summary>plan.changed outbox rows of an owner, oldest first.</summary>
    public Task<List<JsonElement>> PlanChangesAsync(Guid ownerId) =>
        Factory.WithDbAsync(async db => (await db.EventsAboutAsync("ownerId", ownerId, t => t == PlatformTopics.PlanChanged)).Select(e => e.Data).ToList());
}
