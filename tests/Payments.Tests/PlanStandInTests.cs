using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// The payments app against DevHost's Stripe stand-in (Stripe Billing with test clocks, signed webhooks relayed as the
/// gateway would): subscribe → active through the webhooks → a renewal fails on the test clock → past due and the dunning
/// saga started → the saga's downgrade → free, and the unpaid renewal voided so it cannot be paid after.
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
        _factory = Payments(_stripe.StandIn.BaseUrl);
        _ = _factory.Server;
        await PlansFixture.WaitForCatalogueAsync(_factory, 2);
    }

    /// <summary>The payments app on this test's database and sidecar, talking to Stripe at <paramref name="stripe"/>.</summary>
    private ServiceFactory<Program, PaymentsDbContext> Payments(Uri stripe) => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:payments"] = _database.ConnectionString,
        ["Stripe:BaseUrl"] = stripe.ToString(),
        ["Stripe:MaxRetries"] = "0",
        ["stripe:secretKey"] = _stripe.StandIn.Options.SecretKey,
        ["stripe:webhookSecret"] = _stripe.StandIn.Options.WebhookSecret,
        ["Billing:UseTestClocks"] = "true",
    })
    {
        Sidecar = _sidecar.Endpoint,
    };

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
        var (subscriptionId, _) = await PastDueAsync(owner);

        using var saga = _factory.CreateAppClient("workflows");
        using (var downgraded = await saga.PostAsync($"/internal/subscriptions/{subscriptionId}/downgrade", null))
        {
            downgraded.StatusCode.Should().Be(HttpStatusCode.OK, await downgraded.Content.ReadAsStringAsync());
        }

        (await _stripe.GetJsonAsync($"/v1/subscriptions/{subscriptionId}")).GetProperty("status").GetString().Should().Be("canceled");
        // The unpaid renewal is voided with it: Stripe would still take its payment (pay, or the hosted page) from an owner now on free.
        var renewal = (await _stripe.GetJsonAsync($"/v1/invoices?subscription={subscriptionId}&limit=100")).GetProperty("data").EnumerateArray()
            .Should().ContainSingle(i => i.GetProperty("billing_reason").GetString() == "subscription_cycle").Subject;
        renewal.GetProperty("status").GetString().Should().Be("void");
        using (var paid = await _stripe.PostAsync($"/v1/invoices/{renewal.GetProperty("id").GetString()}/pay", [("payment_method", "pm_card_visa")]))
        {
            paid.StatusCode.Should().Be(HttpStatusCode.BadRequest, await paid.Content.ReadAsStringAsync());
        }

        await RelayAsync();
        var mine = await owner.GetFromJsonAsync<JsonElement>("/api/subscriptions/mine");
        mine.GetProperty("plan").GetString().Should().Be("free");
        var changes = await _factory.WithDbAsync(db => db.EventsAboutAsync("ownerId", ownerId, t => t == PlatformTopics.PlanChanged));
        changes.Select(c => (c.Data.GetProperty("plan").GetString(), c.Data.GetProperty("reason").GetString(), c.Data.GetProperty("version").GetInt64()))
            .Should().Equal(("pro", "subscribed", 1L), ("free", "downgraded", 2L));
    }

    [Fact]
    public async Task A_new_card_pays_the_past_due_renewal_now_and_the_webhooks_tell_the_dunning_saga_the_payment_recovered()
    {
        var ownerId = Guid.NewGuid();
        using var owner = _factory.CreateClientFor(ownerId, PlatformRoles.ChannelOwner);
        var (subscriptionId, customerId) = await PastDueAsync(owner);
        var renewal = (await InvoicesAsync(subscriptionId)).First();
        renewal.Status.Should().Be("open");

        var given = await GiveCardAsync(owner, "pm_card_mastercard");

        given.StatusCode.Should().Be(HttpStatusCode.OK, given.Body.GetRawText());
        given.Body.GetProperty("status").GetString().Should().Be("active", "Stripe's status after the payment, as GET /mine shows it");
        given.Body.GetProperty("plan").GetString().Should().Be("pro");
        given.Body.GetProperty("subscriptionId").GetString().Should().Be(subscriptionId);
        (await InvoicesAsync(subscriptionId)).First().Should().Be((renewal.Id, "paid"));
        var card = (await _stripe.GetJsonAsync($"/v1/subscriptions/{subscriptionId}")).GetProperty("default_payment_method").GetString()!;
        (await _stripe.GetJsonAsync($"/v1/payment_methods/{card}")).GetProperty("card").GetProperty("last4").GetString().Should().Be("4444");
        (await _stripe.GetJsonAsync($"/v1/customers/{customerId}")).GetProperty("invoice_settings").GetProperty("default_payment_method").GetString().Should().Be(card);

        // Only the webhooks settle the dunning: invoice.paid tells the saga once, the plan never moved, no plan.changed.
        var recovered = () => _sidecar.Received.Where(r => r.Method == "POST" && r.Path.StartsWith("/v1.0/invoke/workflows/method/internal/dunning/", StringComparison.Ordinal)
            && r.Path.EndsWith("/payment-recovered", StringComparison.Ordinal)).ToList();
        recovered().Should().BeEmpty();
        await RelayAsync();
        recovered().Should().ContainSingle().Which.Body.Should().Contain(renewal.Id);
        var mine = await owner.GetFromJsonAsync<JsonElement>("/api/subscriptions/mine");
        (mine.GetProperty("plan").GetString(), mine.GetProperty("status").GetString(), mine.GetProperty("version").GetInt64()).Should().Be(("pro", "active", 1L));
        mine.GetProperty("graceUntil").ValueKind.Should().Be(JsonValueKind.Null);
        (await _factory.WithDbAsync(db => db.EventsAboutAsync("ownerId", ownerId, t => t == PlatformTopics.PlanChanged))).Should().ContainSingle();

        // Given again later, the same card is a new request of its own (the owner's count of card updates moved on).
        var again = await GiveCardAsync(owner, "pm_card_mastercard");
        again.StatusCode.Should().Be(HttpStatusCode.OK, again.Body.GetRawText());
        (await _stripe.GetJsonAsync($"/v1/subscriptions/{subscriptionId}")).GetProperty("default_payment_method").GetString().Should().NotBe(card);
    }

    [Theory]
    [InlineData("pm_card_chargeCustomerFail", "generic_decline")]
    [InlineData("pm_card_chargeDeclined", "generic_decline")]
    [InlineData("pm_card_visa_chargeDeclined", "generic_decline")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    public async Task A_declined_card_answers_402_with_the_decline_code_and_changes_nothing(string declined, string declineCode)
    {
        var ownerId = Guid.NewGuid();
        using var owner = _factory.CreateClientFor(ownerId, PlatformRoles.ChannelOwner);
        var (subscriptionId, customerId) = await PastDueAsync(owner);
        var stripeBefore = await StripeSideAsync(subscriptionId, customerId);
        var rowsBefore = await RowsAsync(ownerId);

        var given = await GiveCardAsync(owner, declined);

        given.StatusCode.Should().Be(HttpStatusCode.PaymentRequired, given.Body.GetRawText());
        given.Body.GetProperty("type").GetString().Should().Be("https://daprplatform.dev/problems/card-declined");
        given.Body.GetProperty("declineCode").GetString().Should().Be(declineCode);
        given.Body.GetProperty("detail").GetString().Should().EndWith("Your card on file is unchanged.");
        await RelayAsync();
        (await StripeSideAsync(subscriptionId, customerId)).Should().Be(stripeBefore, "a declined card never becomes a default and the renewal stays unpaid");
        (await RowsAsync(ownerId)).Should().Be(rowsBefore);

        // A good card afterwards still pays it.
        var good = await GiveCardAsync(owner, "pm_card_visa");
        good.StatusCode.Should().Be(HttpStatusCode.OK, good.Body.GetRawText());
        good.Body.GetProperty("status").GetString().Should().Be("active");
    }

    [Fact]
    public async Task A_subscription_Stripe_ended_before_its_webhook_arrived_takes_no_card_409()
    {
        var ownerId = Guid.NewGuid();
        using var owner = _factory.CreateClientFor(ownerId, PlatformRoles.ChannelOwner);
        var (subscriptionId, customerId) = await PastDueAsync(owner);
        using (var ended = await _stripe.Client.DeleteAsync(new Uri($"/v1/subscriptions/{subscriptionId}", UriKind.Relative)))
        {
            ended.StatusCode.Should().Be(HttpStatusCode.OK, await ended.Content.ReadAsStringAsync());
        }

        var cards = (await _stripe.GetJsonAsync($"/v1/customers/{customerId}/payment_methods")).GetProperty("data").GetArrayLength();
        var rowsBefore = await RowsAsync(ownerId);

        var given = await GiveCardAsync(owner, "pm_card_visa");

        given.StatusCode.Should().Be(HttpStatusCode.Conflict, given.Body.GetRawText());
        given.Body.GetProperty("detail").GetString().Should().Contain("ended at Stripe (canceled)");
        (await _stripe.GetJsonAsync($"/v1/customers/{customerId}/payment_methods")).GetProperty("data").GetArrayLength().Should().Be(cards, "nothing was attached");
        (await RowsAsync(ownerId)).Should().Be(rowsBefore);
    }

    [Fact]
    public async Task Stripe_unreachable_answers_502_and_stores_nothing()
    {
        var ownerId = Guid.NewGuid();
        using var owner = _factory.CreateClientFor(ownerId, PlatformRoles.ChannelOwner);
        var (subscriptionId, customerId) = await PastDueAsync(owner);
        var stripeBefore = await StripeSideAsync(subscriptionId, customerId);
        var rowsBefore = await RowsAsync(ownerId);
        // The same app and database, with Stripe's address answering nothing (the discard port).
        await using var cutOff = Payments(new Uri("http://127.0.0.1:9/"));
        using var cutOffOwner = cutOff.CreateClientFor(ownerId, PlatformRoles.ChannelOwner);

        var given = await GiveCardAsync(cutOffOwner, "pm_card_visa");

        given.StatusCode.Should().Be(HttpStatusCode.BadGateway, given.Body.GetRawText());
        given.Body.GetProperty("title").GetString().Should().Be("Stripe is unavailable.");
        (await StripeSideAsync(subscriptionId, customerId)).Should().Be(stripeBefore);
        (await RowsAsync(ownerId)).Should().Be(rowsBefore);
    }

    /// <summary>What a card update may change at Stripe: the defaults and the subscription's status and invoices.</summary>
    private async Task<string> StripeSideAsync(string subscriptionId, string customerId)
    {
        var subscription = await _stripe.GetJsonAsync($"/v1/subscriptions/{subscriptionId}");
        var customer = await _stripe.GetJsonAsync($"/v1/customers/{customerId}");
        return string.Join(" | ",
            subscription.GetProperty("status").GetString(),
            subscription.GetProperty("default_payment_method").GetString(),
            customer.GetProperty("invoice_settings").GetProperty("default_payment_method").GetString(),
            string.Join(",", await InvoicesAsync(subscriptionId)));
    }

    /// <summary>The owner's rows as payments stores them.</summary>
    private Task<string> RowsAsync(Guid ownerId) => _factory.WithDbAsync(async db =>
    {
        var account = await db.BillingAccounts.AsNoTracking().SingleAsync(a => a.OwnerId == ownerId);
        var subscription = await db.PlanSubscriptions.AsNoTracking().SingleAsync(s => s.OwnerId == ownerId);
        var events = await db.EventsAboutAsync("ownerId", ownerId, _ => true);
        return JsonSerializer.Serialize(new { account, subscription, events = events.Count });
    });

    /// <summary>
    /// Subscribes to pro with a good card (active through the webhooks), then the card starts failing — given through
    /// payments' own card update, which makes it the default without charging an active subscription — and the clock
    /// passes the period's end (plus the hour before the charge): the renewal fails, past due, the dunning saga started.
    /// </summary>
    private async Task<(string SubscriptionId, string CustomerId)> PastDueAsync(HttpClient owner)
    {
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
        var invoicesBefore = await InvoicesAsync(subscriptionId);

        var failing = await GiveCardAsync(owner, "pm_card_chargeCustomerFail");
        failing.StatusCode.Should().Be(HttpStatusCode.OK, failing.Body.GetRawText());
        failing.Body.GetProperty("status").GetString().Should().Be("active");
        (await InvoicesAsync(subscriptionId)).Should().BeEquivalentTo(invoicesBefore, "an active subscription's card is changed without a charge");
        var subscription = await _stripe.GetJsonAsync($"/v1/subscriptions/{subscriptionId}");
        var customerId = subscription.GetProperty("customer").GetString()!;
        var failingCard = subscription.GetProperty("default_payment_method").GetString()!;
        (await _stripe.GetJsonAsync($"/v1/customers/{customerId}")).GetProperty("invoice_settings").GetProperty("default_payment_method").GetString().Should().Be(failingCard);
        (await _stripe.GetJsonAsync($"/v1/payment_methods/{failingCard}")).GetProperty("card").GetProperty("last4").GetString().Should().Be("0341");

        await _stripe.CreateAsync($"/v1/test_helpers/test_clocks/{clockId}/advance",
            ("frozen_time", periodEnd.AddHours(2).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        await RelayAsync();

        mine = await owner.GetFromJsonAsync<JsonElement>("/api/subscriptions/mine");
        mine.GetProperty("status").GetString().Should().Be("past_due", mine.GetRawText());
        mine.GetProperty("plan").GetString().Should().Be("pro");
        _sidecar.InvocationsOf("workflows", "POST", "internal/dunning").Should().ContainSingle(r => r.Body.Contains(subscriptionId, StringComparison.Ordinal));
        return (subscriptionId, customerId);
    }

    private static async Task<(HttpStatusCode StatusCode, JsonElement Body)> GiveCardAsync(HttpClient owner, string paymentMethodId)
    {
        using var response = await owner.PutAsJsonAsync("/api/subscriptions/mine/payment-method", new { paymentMethodId });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>The subscription's invoices at Stripe as (id, status), newest first.</summary>
    private async Task<List<(string Id, string Status)>> InvoicesAsync(string subscriptionId) =>
        [.. (await _stripe.GetJsonAsync($"/v1/invoices?subscription={subscriptionId}&limit=100")).GetProperty("data").EnumerateArray()
            .Select(i => (i.GetProperty("id").GetString()!, i.GetProperty("status").GetString()!))];

    /// <summary>Relays every webhook of the stand-in not relayed yet (after what the last call caused has been sent).</summary>
    private async Task RelayAsync()
    {
        await Task.Delay(300);
        using var client = _factory.CreateClient();
        await StripeWebhookRelay.RelayAsync(_stripe, client, _relayed, _ => true);
    }
}
