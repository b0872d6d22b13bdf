using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// A fresh database, DevHost's Stripe stand-in (Connect accounts, transfers and the balance behave as Stripe's test
/// mode) and the payments app pointed at it, per test class. The stand-in's webhooks land in the harness's recorder and
/// are relayed to the app by <see cref="RelayWebhooksAsync"/>, as the gateway would forward them.
/// </summary>
public sealed class PayoutsFixture : IAsyncLifetime
{
    public const decimal FeePercent = 15m;
    public const long MinimumAmount = 1000;

    private readonly HashSet<string> _relayed = new(StringComparer.Ordinal);

    public PostgresDatabase Database { get; } = new("payouts");

    public StripeStandInHarness Stripe { get; private set; } = null!;

    /// <summary>The app's own sidecar: it forwards POST /api/payouts/initiate to the workflows app, whose answer this fakes.</summary>
    public FakeSidecar Sidecar { get; private set; } = null!;

    public ServiceFactory<Program, PaymentsDbContext> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Stripe = await StripeStandInHarness.StartAsync();
        Sidecar = await FakeSidecar.StartAsync(recordBodies: true);
        Sidecar.Handler = context => DefaultReply(context.Request.Method, context.Request.Path.Value ?? "/").WriteToAsync(context);
        Factory = new(new Dictionary<string, string?>
        {
            ["ConnectionStrings:payments"] = Database.ConnectionString,
            ["Stripe:BaseUrl"] = Stripe.StandIn.BaseUrl.ToString(),
            ["Stripe:MaxRetries"] = "0",
            ["stripe:secretKey"] = Stripe.StandIn.Options.SecretKey,
            ["stripe:webhookSecret"] = Stripe.StandIn.Options.WebhookSecret,
            ["Payments:Payouts:PlatformFeePercent"] = FeePercent.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Payments:Payouts:MinimumAmount"] = MinimumAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            Sidecar = Sidecar.Endpoint,
        };
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Stripe.DisposeAsync();
        await Sidecar.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>The on-demand payout the workflows app would answer (202, started), publishes accepted, anything else unexpected.</summary>
    private static SidecarReply DefaultReply(string method, string path) => path switch
    {
        "/v1.0/invoke/workflows/method/internal/payouts/on-demand" when method == "POST" => new SidecarReply(202,
            """{"instanceId":"payout-x-20261130000000","periodStart":"2026-11-30T00:00:00Z","periodEnd":"2026-12-07T00:00:00Z","started":true}"""),
        _ when path.StartsWith("/v1.0/publish/", StringComparison.Ordinal) => new SidecarReply(204),
        _ when path.StartsWith("/v1.0/healthz", StringComparison.Ordinal) => new SidecarReply(204),
        _ => new SidecarReply(500, """{"errorCode":"ERR_UNEXPECTED","message":"the test did not expect this call"}"""),
    };

    public HttpClient Tutor(Guid tutorId) => Factory.CreateClientFor(tutorId, PlatformRoles.Tutor);

    public HttpClient App() => Factory.CreateAppClient();

    public static object Urls => new { returnUrl = "https://web.example/payouts/done", refreshUrl = "https://web.example/payouts/refresh" };

    /// <summary>Connects a payout account for the tutor and, unless told not to, completes onboarding by opening the link.</summary>
    public async Task<JsonElement> ConnectAsync(Guid tutorId, bool onboard = true)
    {
        using var tutor = Tutor(tutorId);
        using var response = await tutor.PostAsJsonAsync("/api/payouts/account", Urls);
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(body);
        var account = JsonDocument.Parse(body).RootElement.Clone();
        if (onboard)
        {
            await OpenAsync(account.GetProperty("onboardingUrl").GetString()!);
            // Back on the return URL, the web app reads the account: payments asks Stripe and stores it enabled.
            (await tutor.GetFromJsonAsync<JsonElement>("/api/payouts/account")).GetProperty("status").GetString().Should().Be("enabled");
        }

        return account;
    }

    /// <summary>Opens an onboarding link as the tutor's browser would; answers where it redirects.</summary>
    public static async Task<Uri> OpenAsync(string url)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler);
        using var response = await browser.GetAsync(new Uri(url));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        return response.Headers.Location!;
    }

    /// <summary>Relays the stand-in's webhooks of <paramref name="type"/> not relayed yet to the app's endpoint, signed as they came.</summary>
    public async Task<int> RelayWebhooksAsync(string type)
    {
        using var client = Factory.CreateClient();
        return await StripeWebhookRelay.RelayAsync(Stripe, client, _relayed, w => w.Type == type);
    }

    /// <summary>Delivers booking.completed (booking's shape) as the sidecar would; answers the app's status.</summary>
    public async Task<string> CompleteBookingAsync(Guid bookingId, Guid tutorId, long price = 4500, string currency = "USD", DateTimeOffset? at = null, string? eventId = null)
    {
        using var sidecar = Factory.CreateClient();
        var data = new
        {
            bookingId,
            studentId = Guid.NewGuid(),
            studentName = "Student",
            tutorId,
            tutorName = "Tutor",
            subject = "algebra",
            start = (at ?? DateTimeOffset.UtcNow).AddHours(-1),
            end = at ?? DateTimeOffset.UtcNow,
            price = new { amount = price, currency },
            status = "completed",
            cancellationReason = (string?)null,
            refund = (object?)null,
            occurredAt = at ?? DateTimeOffset.UtcNow,
            previousStatus = "confirmed",
        };
        return await sidecar.DeliverAsync("/events/booking-completed",
            CloudEventDelivery.Envelope(eventId ?? Guid.NewGuid().ToString(), data, PlatformTopics.BookingCompleted, "booking", options: JsonSerializerOptions.Web));
    }

    /// <summary>Delivers payments' own payment.refunded about a booking back to it, as the sidecar would.</summary>
    public async Task<string> DeliverRefundedAsync(JsonElement payment, string? eventId = null)
    {
        using var sidecar = Factory.CreateClient();
        return await sidecar.DeliverAsync("/events/payment-refunded",
            CloudEventDelivery.Envelope(eventId ?? Guid.NewGuid().ToString(), payment, PlatformTopics.PaymentRefunded, "payments"));
    }

    /// <summary>A booking paid with the stand-in's succeeding test card: the payment's JSON.</summary>
    public async Task<JsonElement> PaidBookingAsync(Guid bookingId, long amount = 4500)
    {
        var studentId = Guid.NewGuid();
        using var app = App();
        using var created = await app.PostAsJsonAsync("/internal/payments/intents", PaymentsFixture.IntentRequest(bookingId, studentId, amount));
        created.IsSuccessStatusCode.Should().BeTrue(await created.Content.ReadAsStringAsync());
        var payment = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var student = Factory.CreateClientFor(studentId, PlatformRoles.Student);
        using var confirmed = await student.PostAsJsonAsync($"/api/payments/{payment.GetProperty("paymentId").GetGuid()}/confirm", new { paymentMethod = "pm_card_visa" });
        confirmed.IsSuccessStatusCode.Should().BeTrue(await confirmed.Content.ReadAsStringAsync());
        return await confirmed.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Refunds part of a payment through the saga's route; answers the payment after it.</summary>
    public async Task<JsonElement> RefundAsync(JsonElement payment, long amount)
    {
        using var app = App();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/internal/payments/{payment.GetProperty("paymentId").GetGuid()}/refund")
        {
            Content = JsonContent.Create(new { amount = new { amount, currency = "USD" } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await app.SendAsync(request);
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("payment");
    }

    /// <summary>The tutor's ledger: (kind, amount) oldest first.</summary>
    public Task<List<(string Kind, long Amount)>> LedgerAsync(Guid tutorId) =>
        Factory.WithDbAsync(async db => (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.Ledger.Where(e => e.TutorId == tutorId).OrderBy(e => e.RecordedAt).ThenBy(e => e.RefundedTotal)))
            .Select(e => (e.Kind.ToString(), e.Amount)).ToList());

    /// <summary>Adds to the platform's available balance at the stand-in: a succeeded charge of <paramref name="amount"/>.</summary>
    public async Task FundAsync(long amount)
    {
        var intent = await Stripe.CreateIntentAsync(("amount", amount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await Stripe.CreateAsync($"/v1/payment_intents/{intent.GetProperty("id").GetString()}/confirm", ("payment_method", "pm_card_visa"));
    }

    /// <summary>The saga's Balance step: opens the tutor's payout of a period.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Payout)> OpenPayoutAsync(Guid tutorId, DateTimeOffset start, DateTimeOffset end)
    {
        using var app = App();
        using var response = await app.PostAsJsonAsync("/internal/payouts", new { tutorId, periodStart = start, periodEnd = end });
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(body);
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>The saga's Transfer step.</summary>
    public async Task<JsonElement> TransferAsync(JsonElement payout)
    {
        using var app = App();
        using var response = await app.PostAsync($"/internal/payouts/{payout.GetProperty("payoutId").GetGuid()}/transfer", null);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The transfers the stand-in made to a tutor's account, newest first.</summary>
    public async Task<List<JsonElement>> TransfersToAsync(JsonElement account) =>
        [.. (await Stripe.GetJsonAsync($"/v1/transfers?limit=100&destination={account.GetProperty("accountId").GetString()}")).GetProperty("data").EnumerateArray().Select(t => t.Clone())];

    /// <summary>payout.* outbox rows about one payout, oldest first.</summary>
    public Task<List<(string Topic, JsonElement Data)>> PayoutEventsAsync(Guid payoutId) =>
        Factory.WithDbAsync(db => db.EventsAboutAsync("payoutId", payoutId, t => t.StartsWith("payout.", StringComparison.Ordinal)));

    public Task<RowCounts> CountsAsync() =>
        Database.CountRowsAsync("payout_accounts", "earnings_ledger", "payouts", "payout_claims", "inbox_messages", "outbox_messages");
}
