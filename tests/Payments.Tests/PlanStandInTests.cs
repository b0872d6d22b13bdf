using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// The payments app against DevHost's Stripe stand-in (Stripe Billing with test clocks, signed webhooks relayed as the
/// gateway would): subscribe → active through the webhooks → a renewal fails on the test clock → past due and the dunning
/// saga started → the saga's downgrade → free.
/// </summary>
public sealed class PlanStandInTests : IAsyncLifetime
{
    private readonly HashSet<string> _relayed = new(StringComparer.Ordinal);
    private readonly PostgresDatabase _database = new("planstandin");
    private StripeStandInHarness _stripe = null!;
    private FakeSidecar _sidecar = null!;
    private ServiceFactory<Program, PaymentsDbContext> _factory = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _stripe = await StripeStandInHarness.StartAsync();
        _sidecar = await FakeSidecar.StartAsync(recordBodies: true);
        _sidecar.Handler = context => (context.Request.Path.Value ?? "/") switch
        {
            "/v1.0/invoke/workflows/method/internal/dunning" => new SidecarReply(202, """{"instanceId":"dunning-x","graceUntil":"2030-01-01T00:00:00Z","started":true}""").WriteToAsync(context),
            var path when path.StartsWith("/v1.0/invoke/workflows/", StringComparison.Ordinal) => new SidecarReply(202, """{"raised":true}""").WriteToAsync(context),
            _ => new SidecarReply(204).WriteToAsync(context),
        };
        _factory = new(new Dictionary<string, string?>
        {
            ["ConnectionStrings:payments"] = _database.ConnectionString,
            ["Stripe:BaseUrl"] = _stripe.StandIn.BaseUrl.ToString(),
            ["Stripe:MaxRetries"] = "0",
            ["stripe:secretKey"] = _stripe.StandIn.Options.SecretKey,
            ["stripe:webhookSecret"] = _stripe.StandIn.Options.WebhookSecret,
            ["Billing:UseTestClocks"] = "true",
        })
        {
            Sidecar = _sidecar.Endpoint,
        };
        _ = _factory.Server;
        await PlansFixture.WaitForCatalogueAsync(_factory, 2);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _stripe.DisposeAsync();
        await _sidecar.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Subscribe_renew_fail_and_downgrade_on_the_stand_in_with_a_test_clock()
    {
        var ownerId = Guid.NewGuid();
        using var owner = _factory.CreateClientFor(ownerId, PlatformRoles.ChannelOwner);
        using (var subscribed = await owner.PostAsJsonAsync("/api/subscriptions", new { plan = "pro", paymentMethod = "pm_card_visa" }))
        {
            subscribed.StatusCode.Should().Be(HttpStatusCode.Accepted, await subscribed.Content.ReadAsStringAsync());
        }

        await RelayAsync();
        var mine = await owner.GetFromJsonAsync<JsonElement>("/api/subscriptions/mine");
        mine.GetProperty("plan").GetString().Should().Be("pro", mine.GetRawText());
        mine.GetProperty("status").GetString().Should().Be("active");
        var subscriptionId = mine.GetProperty("subscriptionId").GetString()!;
        var clockId = mine.GetProperty("testClockId").GetString()!;
        var periodEnd = mine.GetProperty("currentPeriodEnd").GetDateTimeOffset();

        // The card starts failing; the clock passes the period's end (plus the hour before the charge).
        var subscription = await _stripe.GetJsonAsync($"/v1/subscriptions/{subscriptionId}");
        var customerId = subscription.GetProperty("customer").GetString()!;
        var failing = await _stripe.CreateAsync("/v1/payment_methods/pm_card_chargeCustomerFail/attach", ("customer", customerId));
        await _stripe.CreateAsync($"/v1/subscriptions/{subscriptionId}", ("default_payment_method", failing.GetProperty("id").GetString()!));
        await _stripe.CreateAsync($"/v1/test_helpers/test_clocks/{clockId}/advance",
            ("frozen_time", periodEnd.AddHours(2).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        await RelayAsync();

        mine = await owner.GetFromJsonAsync<JsonElement>("/api/subscriptions/mine");
        mine.GetProperty("status").GetString().Should().Be("past_due", mine.GetRawText());
        mine.GetProperty("plan").GetString().Should().Be("pro");
        _sidecar.InvocationsOf("workflows", "POST", "internal/dunning").Should().ContainSingle(r => r.Body.Contains(subscriptionId, StringComparison.Ordinal));

        using var saga = _factory.CreateAppClient("workflows");
        using (var downgraded = await saga.PostAsync($"/internal/subscriptions/{subscriptionId}/downgrade", null))
        {
            downgraded.StatusCode.Should().Be(HttpStatusCode.OK, await downgraded.Content.ReadAsStringAsync());
        }

        (await _stripe.GetJsonAsync($"/v1/subscriptions/{subscriptionId}")).GetProperty("status").GetString().Should().Be("canceled");
        await RelayAsync();
        mine = await owner.GetFromJsonAsync<JsonElement>("/api/subscriptions/mine");
        mine.GetProperty("plan").GetString().Should().Be("free");
        var changes = await _factory.WithDbAsync(db => db.EventsAboutAsync("ownerId", ownerId, t => t == PlatformTopics.PlanChanged));
        changes.Select(c => (c.Data.GetProperty("plan").GetString(), c.Data.GetProperty("reason").GetString(), c.Data.GetProperty("version").GetInt64()))
            .Should().Equal(("pro", "subscribed", 1L), ("free", "downgraded", 2L));
    }

    /// <summary>Relays every webhook of the stand-in not relayed yet (after what the last call caused has been sent).</summary>
    private async Task RelayAsync()
    {
        await Task.Delay(300);
        using var client = _factory.CreateClient();
        await StripeWebhookRelay.RelayAsync(_stripe, client, _relayed, _ => true);
    }
}
