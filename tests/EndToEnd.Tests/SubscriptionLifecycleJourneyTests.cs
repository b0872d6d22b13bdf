using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Issue 18's subscription lifecycle through the gateway with the real apps and DevHost's Stripe stand-in (test clocks):
/// free allows one channel → pro through Stripe → a second channel → the clock renews the period → the card starts failing
/// and the next renewal fails → past due, the dunning saga's grace and reminder → the grace ends: free, the newest channel
/// paused and the owner told once → subscribed again → pro restored and the channel resumed. Cards change through payments'
/// own card update; a past-due owner's new card pays the renewal and the dunning saga stands down.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SubscriptionLifecycleJourneyTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Past the period's end by more than the hour Stripe waits before charging a renewal invoice.</summary>
    private static readonly TimeSpan PastTheCharge = TimeSpan.FromHours(2);

    [Fact]
    public async Task Subscribe_renew_fail_grace_downgrade_pause_then_resubscribe_and_resume()
    {
        var (_, token) = await platform.RegisterAndLogInAsync("channel-owner");
        var first = await RegisterChannelAsync(token, NewUsername("life_first"));
        first.StatusCode.Should().Be(HttpStatusCode.Created, first.Body.GetRawText());
        var firstId = first.Body.GetProperty("id").GetGuid();
        var secondName = NewUsername("life_second");

        var refused = await RegisterChannelAsync(token, secondName);
        refused.StatusCode.Should().Be(HttpStatusCode.PaymentRequired, refused.Body.GetRawText());
        (refused.Body.GetProperty("limit").GetString(), refused.Body.GetProperty("plan").GetString(), refused.Body.GetProperty("allowed").GetInt32(), refused.Body.GetProperty("liftedBy").GetString())
            .Should().Be(("maxChannels", "free", 1, "pro"));

        // Subscribe: the plan moves when Stripe's webhooks say the first invoice is paid, never on the answer itself.
        await SubscribeAsync(token);
        var mine = await MineUntilAsync(token, "pro and active", m => Plan(m) == "pro" && Status(m) == "active");
        var subscriptionId = mine.GetProperty("subscriptionId").GetString()!;
        var clockId = mine.GetProperty("testClockId").GetString();
        clockId.Should().NotBeNullOrEmpty("payments puts each owner's customer on a test clock in this run");
        var firstPeriodEnd = mine.GetProperty("currentPeriodEnd").GetDateTimeOffset();

        // channels applies plan.changed moments after payments' outbox publishes it; until then it still refuses, writing nothing.
        var registered = await Eventually.UntilAsync(
            "the second channel to register under pro",
            _ => RegisterChannelAsync(token, secondName),
            r => r.StatusCode != HttpStatusCode.PaymentRequired,
            Patience,
            r => ((int)r.StatusCode).ToString(CultureInfo.InvariantCulture),
            interval: TimeSpan.FromMilliseconds(500));
        registered.StatusCode.Should().Be(HttpStatusCode.Created, registered.Body.GetRawText());
        var secondId = registered.Body.GetProperty("id").GetGuid();

        // A renewal: the clock passes the period's end, the renewal invoice is paid with the good card.
        await AdvanceClockAsync(clockId!, firstPeriodEnd + PastTheCharge);
        mine = await MineUntilAsync(token, "the renewed period", m => m.GetProperty("currentPeriodEnd").GetDateTimeOffset() > firstPeriodEnd);
        (Plan(mine), Status(mine), mine.GetProperty("subscriptionId").GetString()).Should().Be(("pro", "active", subscriptionId));
        var secondPeriodEnd = mine.GetProperty("currentPeriodEnd").GetDateTimeOffset();

        // The owner gives a card that attaches but declines every charge (payments' card update: an active subscription
        // is not charged now), and the next renewal fails.
        await GiveFailingCardAsync(token);
        await AdvanceClockAsync(clockId!, secondPeriodEnd + PastTheCharge);

        mine = await MineUntilAsync(token, "past due with a grace period", m => Status(m) == "past_due" && m.GetProperty("graceUntil").ValueKind == JsonValueKind.String);
        Plan(mine).Should().Be("pro", "the owner keeps the paid plan during the grace period");
        // A card declined at attach changes nothing: still past due, the grace still runs.
        var declined = await GiveCardAsync(token, "pm_card_chargeDeclined");
        declined.StatusCode.Should().Be(HttpStatusCode.PaymentRequired, declined.Body.GetRawText());
        declined.Body.GetProperty("declineCode").GetString().Should().Be("generic_decline");
        var graceUntil = mine.GetProperty("graceUntil").GetDateTimeOffset();
        graceUntil.Should().BeAfter(DateTimeOffset.UtcNow.AddSeconds(-5)).And.BeBefore(DateTimeOffset.UtcNow + PlatformFixture.DunningGracePeriod + TimeSpan.FromSeconds(5));
        await NoticesUntilAsync(token, "the dunning saga's reminder", n => n.Any(k => k.Kind == "payment-reminder"));

        // The grace ends unpaid: free, the newest channel paused (the oldest kept), the owner told.
        mine = await MineUntilAsync(token, "the downgrade to free", m => Plan(m) == "free");
        (Status(mine), mine.GetProperty("subscriptionId").GetString()).Should().Be(("canceled", subscriptionId));
        var paused = await ChannelUntilAsync(token, secondId, "paused");
        paused.GetProperty("pausedReason").GetString().Should().Be("plan-limit");
        (await ReadChannelAsync(token, firstId)).GetProperty("status").GetString().Should().Be("active", "the oldest channel is kept active");
        var notices = await NoticesUntilAsync(token, "the notices of the pause and the downgrade",
            n => n.Any(k => k.Kind == "channel-paused") && n.Any(k => k.Title == "Payment overdue: moved to Free"));
        notices.Single(n => n.Kind == "channel-paused").Title.Should().StartWith("Channel paused:");
        // Told once: the plan.changed notice, not a second one from the saga.
        notices.Where(n => n.Kind == "plan-downgraded" || n.Title.Contains("moved to Free", StringComparison.Ordinal) || n.Title.Contains("now free", StringComparison.OrdinalIgnoreCase))
            .Should().ContainSingle(string.Join(" | ", notices));
        // Nothing is left for the owner to pay for a plan they no longer have: the unpaid renewal invoice was voided.
        var openInvoices = await StripeAsync(HttpMethod.Get, $"/v1/invoices?subscription={subscriptionId}&status=open");
        openInvoices.GetProperty("data").GetArrayLength().Should().Be(0, openInvoices.GetRawText());

        // Subscribed again with a good card: pro restored, the paused channel resumed.
        await SubscribeAsync(token);
        mine = await MineUntilAsync(token, "pro again", m => Plan(m) == "pro" && Status(m) == "active");
        mine.GetProperty("subscriptionId").GetString().Should().NotBe(subscriptionId);
        mine.GetProperty("version").GetInt64().Should().Be(3, "subscribed, downgraded, restored");
        await ChannelUntilAsync(token, secondId, "active");
        await NoticesUntilAsync(token, "the notices of the restored plan and the resumed channel",
            n => n.Any(k => k.Kind == "channel-resumed") && n.Any(k => k.Title == "Your Pro plan is restored"));
    }

    [Fact]
    public async Task Past_due_then_a_new_card_through_the_gateway_pays_the_renewal_and_the_dunning_saga_stands_down()
    {
        var (_, token) = await platform.RegisterAndLogInAsync("channel-owner");
        await SubscribeAsync(token);
        var mine = await MineUntilAsync(token, "pro and active", m => Plan(m) == "pro" && Status(m) == "active");
        var subscriptionId = mine.GetProperty("subscriptionId").GetString()!;
        var clockId = mine.GetProperty("testClockId").GetString()!;
        await GiveFailingCardAsync(token);
        await AdvanceClockAsync(clockId, mine.GetProperty("currentPeriodEnd").GetDateTimeOffset() + PastTheCharge);
        await MineUntilAsync(token, "past due with a grace period", m => Status(m) == "past_due" && m.GetProperty("graceUntil").ValueKind == JsonValueKind.String);

        // The owner gives a good card: the unpaid renewal is paid with it now; the answer is Stripe's status after that.
        var given = await GiveCardAsync(token, "pm_card_visa");
        given.StatusCode.Should().Be(HttpStatusCode.OK, given.Body.GetRawText());
        (Plan(given.Body), Status(given.Body)).Should().Be(("pro", "active"));
        var openInvoices = await StripeAsync(HttpMethod.Get, $"/v1/invoices?subscription={subscriptionId}&status=open");
        openInvoices.GetProperty("data").GetArrayLength().Should().Be(0, openInvoices.GetRawText());

        // Stripe's invoice.paid reaches payments, which tells the dunning saga: it stops and the owner is told once.
        await NoticesUntilAsync(token, "the dunning saga's payment-received notice", n => n.Any(k => k.Kind == "payment-received"));
        mine = await MineUntilAsync(token, "no grace any more", m => m.GetProperty("graceUntil").ValueKind == JsonValueKind.Null);

        // The grace period passes: nobody is downgraded, the plan never moved.
        await Task.Delay(PlatformFixture.DunningGracePeriod + TimeSpan.FromSeconds(5));
        mine = await MineUntilAsync(token, "pro and active after the grace", m => Plan(m) == "pro" && Status(m) == "active");
        mine.GetProperty("version").GetInt64().Should().Be(1, "only the subscription moved the plan");
        var notices = await NoticesUntilAsync(token, "the notices", n => n.Count > 0);
        notices.Should().ContainSingle(n => n.Kind == "payment-received", string.Join(" | ", notices));
        notices.Should().NotContain(n => n.Title.Contains("moved to Free", StringComparison.Ordinal));
    }

    private async Task GiveFailingCardAsync(string token)
    {
        var failing = await GiveCardAsync(token, "pm_card_chargeCustomerFail");
        failing.StatusCode.Should().Be(HttpStatusCode.OK, failing.Body.GetRawText());
        Status(failing.Body).Should().Be("active", "an active subscription's card is changed without a charge");
    }

    /// <summary>PUT /api/subscriptions/mine/payment-method through the gateway, as the owner.</summary>
    private async Task<(HttpStatusCode StatusCode, JsonElement Body)> GiveCardAsync(string token, string paymentMethodId)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Put, "/api/subscriptions/mine/payment-method", token, new { paymentMethodId });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string? Plan(JsonElement mine) => mine.GetProperty("plan").GetString();

    private static string? Status(JsonElement mine) => mine.GetProperty("status").GetString();

    private async Task SubscribeAsync(string token)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/subscriptions", token, new { plan = "pro", paymentMethod = "pm_card_visa" });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    private Task<JsonElement> MineUntilAsync(string token, string what, Func<JsonElement, bool> done) =>
        Eventually.UntilAsync(
            $"GET /api/subscriptions/mine to show {what}",
            async _ =>
            {
                using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/subscriptions/mine", token);
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            },
            done,
            Patience,
            m => m.GetRawText(),
            interval: TimeSpan.FromMilliseconds(500));

    /// <summary>The owner's test clock to <paramref name="to"/>: everything due on it runs (renewals, charges, their webhooks).</summary>
    private async Task AdvanceClockAsync(string clockId, DateTimeOffset to)
    {
        var clock = await StripeAsync(HttpMethod.Post, $"/v1/test_helpers/test_clocks/{clockId}/advance", ("frozen_time", to.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        clock.GetProperty("id").GetString().Should().Be(clockId);
    }

    /// <summary>Stripe's API on the stand-in with the dev secret key, form-encoded as Stripe takes it.</summary>
    private async Task<JsonElement> StripeAsync(HttpMethod method, string path, params (string Name, string Value)[] form)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DevHost.StripeStandInOptions.DefaultSecretKey);
        if (method != HttpMethod.Get)
        {
            request.Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value)));
        }

        using var response = await platform.StripeStandIn.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"{method} {path}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<(HttpStatusCode StatusCode, JsonElement Body)> RegisterChannelAsync(string token, string username)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/channels", token, new { telegram = "@" + username });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<JsonElement> ReadChannelAsync(string token, Guid id)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/channels/{id}", token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<JsonElement> ChannelUntilAsync(string token, Guid id, string status) =>
        Eventually.UntilAsync(
            $"channel {id} to be {status}",
            _ => ReadChannelAsync(token, id),
            c => c.GetProperty("status").GetString() == status,
            Patience,
            c => c.GetRawText(),
            interval: TimeSpan.FromMilliseconds(500));

    private Task<List<(string Kind, string Title)>> NoticesUntilAsync(string token, string what, Func<List<(string Kind, string Title)>, bool> done) =>
        Eventually.UntilAsync(
            what,
            async _ =>
            {
                using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/notifications?pageSize=100", token);
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
                    .Select(n => (n.GetProperty("kind").GetString()!, n.GetProperty("title").GetString()!)).ToList();
            },
            done,
            Patience,
            n => string.Join(" | ", n),
            interval: TimeSpan.FromMilliseconds(500));

    private static string NewUsername(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 13)];
}
