using System.Text.Json;
using Bunit;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Plans;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Plans;

public sealed class PlansPageTests : WebComponentContext
{
    private const string App = "payments";

    private const string Catalogue = """
        [{"code":"free","name":"Free","price":{"amount":0,"currency":"USD"},"interval":"month","entitlements":{"maxChannels":1,"historyDays":7,"anomalyAlerts":false,"exportsPerMonth":3}},
         {"code":"pro","name":"Pro","price":{"amount":900,"currency":"USD"},"interval":"month","entitlements":{"maxChannels":5,"historyDays":90,"anomalyAlerts":true,"exportsPerMonth":30}},
         {"code":"business","name":"Business","price":{"amount":2900,"currency":"USD"},"interval":"month","entitlements":{"maxChannels":25,"historyDays":365,"anomalyAlerts":true,"exportsPerMonth":300}}]
        """;

    private static readonly DateTimeOffset PeriodEnd = new(2027, 1, 7, 10, 0, 0, TimeSpan.Zero);

    public PlansPageTests() => Services.AddPlanFeatures();

    [Fact]
    public void The_free_owner_sees_the_catalogue_with_free_marked_and_subscribes_with_a_test_card_then_waits_for_stripe()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("free"));
        var page = Render<PlansPage>();

        page.WaitForAssertion(() => page.Find("#mine-heading").TextContent.Should().Be("Your plan: Free"), Patience);
        page.Find("[aria-current=true]").QuerySelector("h3")!.TextContent.Should().Contain("Free").And.Contain("Your plan");
        page.FindAll(".plan").Should().HaveCount(3);
        var pro = page.FindAll(".plan")[1];
        pro.QuerySelector(".price")!.TextContent.Should().Be("$9.00 a month");
        pro.QuerySelector(".limits")!.TextContent.Should().Contain("5 channels").And.Contain("90 days of history").And.Contain("30 report exports a month");
        page.Find(".subscription-state").TextContent.Should().Contain("You are on the Free plan.");
        page.FindAll(".plan")[0].QuerySelector("button").Should().BeNull("the free plan is not bought");

        Answer(App, "POST", "api/subscriptions", 202, """{"subscriptionId":"sub_1","plan":"pro","status":"active"}""");
        page.FindAll(".plan")[1].QuerySelector("button")!.Click();
        page.WaitForAssertion(() => page.Find("#pay-heading").TextContent.Should().Be("Subscribe to Pro"), Patience);
        page.FindAll("input[type=radio]").Select(r => r.GetAttribute("value")).Should().Contain(["pm_card_visa", "pm_card_chargeDeclined"]);
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find(".waiting").TextContent.Should().Contain("Waiting for the payment"), Patience);
        var body = JsonDocument.Parse(CallsTo(App).Single(r => r.Method == "POST").Body).RootElement;
        body.GetProperty("plan").GetString().Should().Be("pro");
        body.GetProperty("paymentMethod").GetString().Should().Be("pm_card_visa");
        page.Find("#mine-heading").TextContent.Should().Be("Your plan: Free", "the plan moves only when Stripe confirms");
        page.FindAll(".plan button").Should().AllSatisfy(b => b.HasAttribute("disabled").Should().BeTrue());

        // Stripe's webhook reached payments: the next poll sees the plan in force.
        AnswerMine(Mine("pro", "sub_1", "active", "pro"));
        page.WaitForAssertion(() => page.Find("#mine-heading").TextContent.Should().Be("Your plan: Pro"), Patience);
        page.Find(".subscription-state").TextContent.Should().Contain("Stripe confirmed the payment: you are on the Pro plan.")
            .And.Contain("Your Pro subscription is active; it renews on");
        page.FindAll(".waiting").Should().BeEmpty();
        page.Find("[aria-current=true] h3").TextContent.Should().Contain("Pro");
        page.FindAll(".plan")[2].QuerySelector("button")!.TextContent.Trim().Should().Be("Switch to Business");
    }

    [Fact]
    public void A_declined_card_says_so_and_nothing_waits()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("free"));
        Answer(App, "POST", "api/subscriptions", 402,
            """{"type":"https://daprplatform.dev/problems/card-declined","title":"The card was declined.","status":402,"detail":"The card was declined: Your card was declined. Nothing was subscribed.","declineCode":"generic_decline"}""");
        var page = Render<PlansPage>();
        page.WaitForAssertion(() => page.FindAll(".plan").Should().HaveCount(3), Patience);

        page.FindAll(".plan")[1].QuerySelector("button")!.Click();
        page.WaitForAssertion(() => page.Find("input[value=pm_card_chargeDeclined]").Change("pm_card_chargeDeclined"), Patience);
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find(".pay .problem strong").TextContent.Should().Be("The card was declined."), Patience);
        page.FindAll(".waiting").Should().BeEmpty();
        JsonDocument.Parse(CallsTo(App).Single(r => r.Method == "POST").Body).RootElement.GetProperty("paymentMethod").GetString().Should().Be("pm_card_chargeDeclined");
    }

    [Fact]
    public void A_bad_payment_method_is_shown_next_to_the_card_choice()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("free"));
        Answer(App, "POST", "api/subscriptions", 400, Problem(400, "One or more validation errors occurred.", null, ("paymentMethod", "paymentMethod is required (a Stripe PaymentMethod id such as pm_card_visa).")));
        var page = Render<PlansPage>();
        page.WaitForAssertion(() => page.FindAll(".plan").Should().HaveCount(3), Patience);

        page.FindAll(".plan")[2].QuerySelector("button")!.Click();
        page.WaitForAssertion(() => page.Find("#pay-heading"), Patience);
        page.Find("form").Submit();

        page.WaitForAssertion(() => page.Find("#paymentMethod-error").TextContent.Should().Contain("paymentMethod is required"), Patience);
        page.Find(".pay .problem").TextContent.Should().NotContain("paymentMethod is required", "the field's own error is not repeated in the summary");
    }

    [Fact]
    public void An_active_subscription_can_be_canceled_at_the_period_end_and_resumed()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("pro", "sub_1", "active", "pro"));
        Answer(App, "POST", "api/subscriptions/mine/cancel", 200, Mine("pro", "sub_1", "active", "pro", cancelAtPeriodEnd: true));
        Answer(App, "POST", "api/subscriptions/mine/resume", 200, Mine("pro", "sub_1", "active", "pro"));
        var page = Render<PlansPage>();
        page.WaitForAssertion(() => page.Find(".mine button").TextContent.Should().Be("Cancel at the end of the period"), Patience);

        page.Find(".mine button").Click();

        page.WaitForAssertion(() => page.Find(".subscription-state").TextContent.Should().Contain("Your Pro subscription is canceled and ends on"), Patience);
        page.Find(".subscription-state").TextContent.Should().Contain("Canceled: your plan stays until the end of the period.");
        page.FindAll(".plan button").Should().BeEmpty("a subscription that is ending cannot change plan");
        page.Find(".mine button").TextContent.Should().Be("Resume my subscription");

        page.Find(".mine button").Click();
        page.WaitForAssertion(() => page.Find(".subscription-state").TextContent.Should().Contain("Resumed: your subscription renews as before."), Patience);
        page.Find(".subscription-state").TextContent.Should().Contain("is active; it renews on");
        CallsTo(App).Where(r => r.Method == "POST").Select(r => r.Path).Should().Equal(
            "/v1.0/invoke/payments/method/api/subscriptions/mine/cancel", "/v1.0/invoke/payments/method/api/subscriptions/mine/resume");
    }

    [Fact]
    public void Changing_plan_waits_until_stripe_moves_the_plan_in_force()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("pro", "sub_1", "active", "pro"));
        Answer(App, "PUT", "api/subscriptions/mine/plan", 202, """{"subscriptionId":"sub_1","plan":"business","status":"active"}""");
        var page = Render<PlansPage>();
        page.WaitForAssertion(() => page.FindAll(".plan")[2].QuerySelector("button").Should().NotBeNull(), Patience);

        page.FindAll(".plan")[2].QuerySelector("button")!.Click();

        page.WaitForAssertion(() => page.Find(".waiting").TextContent.Should().Contain("Stripe has not confirmed Business yet"), Patience);
        JsonDocument.Parse(CallsTo(App).Single(r => r.Method == "PUT").Body).RootElement.GetProperty("plan").GetString().Should().Be("business");
        AnswerMine(Mine("business", "sub_1", "active", "business"));
        page.WaitForAssertion(() => page.Find("#mine-heading").TextContent.Should().Be("Your plan: Business"), Patience);
        page.FindAll(".waiting").Should().BeEmpty();
    }

    [Fact]
    public void A_subscription_stripe_has_not_confirmed_yet_is_shown_as_waiting_when_the_owner_comes_back()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("free", "sub_1", "incomplete", "pro"));

        var page = Render<PlansPage>();

        page.WaitForAssertion(() => page.Find(".waiting").TextContent.Should().Contain("Waiting for the payment: Stripe has not confirmed Pro yet."), Patience);
        page.Find(".subscription-state").TextContent.Should().Contain("Your Pro subscription waits for its first payment.");
        page.FindAll(".plan button").Should().BeEmpty("nothing else can be bought while one subscription waits");
    }

    [Fact]
    public void A_past_due_subscription_shows_the_grace_end_and_asks_to_update_the_card()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        var grace = new DateTimeOffset(2027, 1, 14, 10, 0, 0, TimeSpan.Zero);
        AnswerMine(Mine("pro", "sub_1", "past_due", "pro", graceUntil: grace));

        var page = Render<PlansPage>();

        page.WaitForAssertion(() => page.Find(".past-due").TextContent.Should().Contain("Your last payment failed — update your card to keep Pro"), Patience);
        page.Find(".past-due time").GetAttribute("datetime").Should().Be(grace.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        page.Find(".past-due").TextContent.Should().Contain("otherwise your plan goes back to Free");
        page.Find(".subscription-state").TextContent.Should().Contain("Your Pro subscription is past due.");
        page.FindAll(".plan button").Should().BeEmpty("payments changes only an active subscription");
        page.Find(".mine button").TextContent.Should().Be("Cancel at the end of the period");
    }

    [Fact]
    public void A_past_due_owner_gives_a_new_card_and_the_answer_says_the_subscription_is_active_again()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("pro", "sub_1", "past_due", "pro", graceUntil: PeriodEnd.AddDays(7)));
        Answer(App, "PUT", "api/subscriptions/mine/payment-method", 200, Mine("pro", "sub_1", "active", "pro"));
        var page = Render<PlansPage>();
        page.WaitForAssertion(() => page.Find("#card-heading").TextContent.Should().Be("Update your card"), Patience);
        page.FindAll(".card-update input[type=radio]").Select(r => r.GetAttribute("value"))
            .Should().Equal("pm_card_visa", "pm_card_chargeDeclined", "pm_card_mastercard", "pm_card_chargeCustomerFail");
        page.FindAll(".card-update input[type=radio]").Should().AllSatisfy(r => r.GetAttribute("name").Should().Be("paymentMethodId"));

        page.Find("input[value=pm_card_mastercard]").Change("pm_card_mastercard");
        page.Find(".card-update form").Submit();

        page.WaitForAssertion(() => page.Find(".subscription-state").TextContent.Should().Contain("Your new card paid the invoice: your Pro subscription is active again."), Patience);
        page.Find(".subscription-state").TextContent.Should().Contain("Your Pro subscription is active; it renews on");
        page.FindAll(".past-due").Should().BeEmpty();
        page.FindAll(".card-update").Should().BeEmpty();
        var put = CallsTo(App).Single(r => r.Method == "PUT");
        put.Path.Should().Be("/v1.0/invoke/payments/method/api/subscriptions/mine/payment-method");
        JsonDocument.Parse(put.Body).RootElement.GetProperty("paymentMethodId").GetString().Should().Be("pm_card_mastercard");
    }

    [Fact]
    public void A_declined_new_card_shows_stripes_words_and_the_notice_stays()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("pro", "sub_1", "past_due", "pro"));
        Answer(App, "PUT", "api/subscriptions/mine/payment-method", 402,
            """{"type":"https://daprplatform.dev/problems/card-declined","title":"The card was declined.","status":402,"detail":"The card was declined: Your card has insufficient funds. Your card on file is unchanged.","declineCode":"insufficient_funds"}""");
        var page = Render<PlansPage>();
        page.WaitForAssertion(() => page.Find(".card-update form"), Patience);

        page.Find("input[value=pm_card_chargeCustomerFail]").Change("pm_card_chargeCustomerFail");
        page.Find(".card-update form").Submit();

        page.WaitForAssertion(() => page.Find(".card-update .problem strong").TextContent.Should().Be("The card was declined."), Patience);
        page.Find(".card-update .problem p").TextContent.Should().Be("The card was declined: Your card has insufficient funds. Your card on file is unchanged.");
        page.Find(".past-due").TextContent.Should().Contain("Your last payment failed");
        page.Find(".subscription-state").TextContent.Should().Contain("Your Pro subscription is past due.");
        JsonDocument.Parse(CallsTo(App).Single(r => r.Method == "PUT").Body).RootElement.GetProperty("paymentMethodId").GetString().Should().Be("pm_card_chargeCustomerFail");
    }

    [Fact]
    public void A_refused_payment_method_is_shown_next_to_the_card_choice_and_an_incomplete_subscription_asks_for_a_card_too()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("free", "sub_1", "incomplete", "pro"));
        Answer(App, "PUT", "api/subscriptions/mine/payment-method", 400,
            Problem(400, "One or more validation errors occurred.", null, ("paymentMethodId", "paymentMethodId must be a Stripe PaymentMethod id (pm_…).")));
        var page = Render<PlansPage>();
        page.WaitForAssertion(() => page.Find(".past-due").TextContent.Should().Contain("update your card to keep Pro"), Patience);

        page.Find(".card-update form").Submit();

        page.WaitForAssertion(() => page.Find("#paymentMethodId-error").TextContent.Should().Contain("must be a Stripe PaymentMethod id"), Patience);
        page.Find(".card-update .problem").TextContent.Should().NotContain("must be a Stripe PaymentMethod id", "the field's own error is not repeated in the summary");
        JsonDocument.Parse(CallsTo(App).Single(r => r.Method == "PUT").Body).RootElement.GetProperty("paymentMethodId").GetString().Should().Be("pm_card_visa");
    }

    [Fact]
    public void An_active_subscription_is_not_asked_for_a_card()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("pro", "sub_1", "active", "pro"));

        var page = Render<PlansPage>();

        page.WaitForAssertion(() => page.Find(".subscription-state").TextContent.Should().Contain("is active"), Patience);
        page.FindAll(".past-due").Should().BeEmpty();
        page.FindAll(".card-update").Should().BeEmpty();
    }

    [Fact]
    public void A_canceled_subscription_leaves_the_owner_on_free_and_able_to_subscribe_again()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        AnswerMine(Mine("free", "sub_1", "canceled", "pro"));

        var page = Render<PlansPage>();

        page.WaitForAssertion(() => page.Find(".subscription-state").TextContent.Should().Contain("Your Pro subscription was canceled; you are on the Free plan."), Patience);
        page.FindAll(".waiting").Should().BeEmpty();
        page.FindAll(".mine button").Should().BeEmpty();
        page.FindAll(".plan")[1].QuerySelector("button")!.TextContent.Trim().Should().Be("Choose Pro");
    }

    [Fact]
    public void Payments_down_is_said_with_a_way_to_try_again()
    {
        SignIn(PlatformRoles.ChannelOwner);
        Answer(App, "GET", "api/plans", 503, Problem(503, "Service Unavailable", "Payments is restarting."));
        AnswerMine(Mine("free"));

        var page = Render<PlansPage>();

        page.WaitForAssertion(() => page.Find(".problem p").TextContent.Should().Be("Payments is restarting."), Patience);
        Answer(App, "GET", "api/plans", 200, Catalogue);
        page.Find("button.secondary").Click();
        page.WaitForAssertion(() => page.FindAll(".plan").Should().HaveCount(3), Patience);
    }

    private void AnswerMine(string json) => Answer(App, "GET", "api/subscriptions/mine", 200, json);

    private static string Mine(string plan, string? subscriptionId = null, string? status = null, string? subscribedPlan = null,
        bool cancelAtPeriodEnd = false, DateTimeOffset? graceUntil = null) =>
        JsonSerializer.Serialize(new
        {
            plan, subscriptionId, status, subscribedPlan, currentPeriodEnd = subscriptionId is null ? (DateTimeOffset?)null : PeriodEnd,
            cancelAtPeriodEnd, graceUntil,
            entitlements = new { maxChannels = plan == "free" ? 1 : 5, historyDays = 7, anomalyAlerts = false, exportsPerMonth = 3 },
            version = 1, testClockId = (string?)null,
        }, JsonSerializerOptions.Web);
}
