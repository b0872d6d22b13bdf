using System.Globalization;
using System.Security.Cryptography;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.Payments.Features;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>A fresh database, a fake Stripe and the payments app (no sidecar), per test class.</summary>
public sealed class PaymentsFixture : IAsyncLifetime
{
    public const string WebhookSecret = "whsec_payments_test_secret";

    public PostgresDatabase Database { get; } = new("payments");

    public FakeStripe Stripe { get; private set; } = null!;

    public ServiceFactory<Program, PaymentsDbContext> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Stripe = await FakeStripe.StartAsync();
        Factory = CreateFactory(FakeStripe.SecretKey, WebhookSecret);
        _ = Factory.Server; // starts the host, which applies the migration
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Stripe.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Another payments app on this fixture's database and fake Stripe, with these Stripe secrets (null: not configured).</summary>
    public ServiceFactory<Program, PaymentsDbContext> CreateFactory(string? secretKey, string? webhookSecret, IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:payments"] = Database.ConnectionString,
            ["Stripe:BaseUrl"] = Stripe.BaseUrl.ToString(),
            ["Stripe:Timeout"] = "00:00:10",
            ["stripe:secretKey"] = secretKey ?? string.Empty,
            ["stripe:webhookSecret"] = webhookSecret ?? string.Empty,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new(settings);
    }

    public Task<RowCounts> CountsAsync() =>
        Database.CountRowsAsync("payments", "payment_refunds", "stripe_events", "stripe_customers", "outbox_messages");

    /// <summary>Outbox rows of one topic about one payment, oldest first, as parsed JSON.</summary>
    public async Task<List<JsonElement>> OutboxEventsAsync(string topic, Guid paymentId) =>
        [.. (await Factory.WithDbAsync(db => db.EventsAboutAsync("paymentId", paymentId, t => t == topic))).Select(e => e.Data)];

    /// <summary>Every payment.* outbox row about one payment, oldest first: (topic, data).</summary>
    public Task<List<(string Topic, JsonElement Data)>> PaymentEventsAsync(Guid paymentId) =>
        Factory.WithDbAsync(db => db.EventsAboutAsync("paymentId", paymentId, t => t.StartsWith("payment.", StringComparison.Ordinal)));

    public HttpClient Student(Guid studentId) => Factory.CreateClientFor(studentId, PlatformRoles.Student);

    public HttpClient App() => Factory.CreateAppClient();

    /// <summary>What the saga sends to create a booking's payment.</summary>
    public static object IntentRequest(Guid bookingId, Guid studentId, long amount = 4500, string currency = "USD") => new
    {
        bookingId,
        studentId,
        amount = new { amount, currency },
        description = "Tutoring session",
        workflowInstanceId = $"booking-{bookingId:N}",
    };

    /// <summary>Creates a payment through the internal route and returns its JSON.</summary>
    public async Task<JsonElement> CreatePaymentAsync(Guid? studentId = null, long amount = 4500, Guid? bookingId = null)
    {
        using var app = App();
        using var response = await app.PostAsJsonAsync("/internal/payments/intents", IntentRequest(bookingId ?? Guid.NewGuid(), studentId ?? Guid.NewGuid(), amount));
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<HttpResponseMessage> PostWebhookAsync(string json, string? signatureHeader)
    {
        using var client = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, StripeWebhook.Path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (signatureHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signatureHeader);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Posts an event signed the way Stripe signs it, with the endpoint secret.</summary>
    public Task<HttpResponseMessage> PostSignedWebhookAsync(string json) => PostWebhookAsync(json, SignatureHeader(json, WebhookSecret));

    public static string SignatureHeader(string json, string secret, DateTimeOffset? at = null)
    {
        var t = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return string.Create(CultureInfo.InvariantCulture, $"t={t},v1={Hmac(t, json, secret)}");
    }

    /// <summary>Stripe's v1 signature, computed here independently of Stripe.net: hex HMAC-SHA256 of "{t}.{body}" keyed with the secret.</summary>
    public static string Hmac(long t, string body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t.ToString(CultureInfo.InvariantCulture) + "." + body)));

    /// <summary>A charge.refunded event for the payment's intent, as Stripe sends it.</summary>
    public static string ChargeRefunded(string eventId, JsonElement payment, long amountRefunded)
    {
        var amount = payment.GetProperty("amount").GetProperty("amount").GetInt64();
        var charge = new JsonObject
        {
            ["id"] = "ch_" + payment.GetProperty("paymentIntentId").GetString()![3..],
            ["object"] = "charge",
            ["amount"] = amount,
            ["amount_captured"] = amount,
            ["amount_refunded"] = amountRefunded,
            ["currency"] = "usd",
            ["paid"] = true,
            ["payment_intent"] = payment.GetProperty("paymentIntentId").GetString()!,
            ["refunded"] = amountRefunded == amount,
            ["status"] = "succeeded",
            ["metadata"] = new JsonObject(),
        };
        return IntentEvent(eventId, "charge.refunded", charge.ToJsonString());
    }

    /// <summary>A Stripe event envelope around an object, in the API version Stripe.net pins (the webhook endpoint's version).</summary>
    public static string IntentEvent(string eventId, string type, string intentJson) =>
        $$$"""{"id":"{{{eventId}}}","object":"event","api_version":"{{{ApiVersion}}}","created":{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"{{{type}}}","data":{"object":{{{intentJson}}}}}""";

    /// <summary>The API version Stripe.net pins: the only release line its EventUtility reads.</summary>
    public static string ApiVersion => global::Stripe.StripeConfiguration.ApiVersion;

    public static string NewEventId() => "evt_" + Guid.NewGuid().ToString("N")[..24];
}
