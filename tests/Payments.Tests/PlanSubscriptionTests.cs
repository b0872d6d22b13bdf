using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Tests;

/// <summary>Plans and subscriptions against the fake Stripe: the catalogue's sync, the routes, the webhooks and plan.changed.</summary>
public sealed class PlanSubscriptionTests(PlansFixture fixture) : IClassFixture<PlansFixture>
{
    [Fact]
    public async Task The_catalogue_is_sold_at_Stripe_once_and_a_changed_price_moves_the_lookup_key_to_a_new_price()
    {
        fixture.Stripe.Prices.Select(p => p["lookup_key"]!.GetValue<string>()).Should().BeEquivalentTo("plan_pro_monthly", "plan_business_monthly");
        fixture.Stripe.ProductCount.Should().Be(2);
        var pricesCreated = fixture.Stripe.CallsTo("POST", "/v1/prices").Count;

        // A restart finds everything in place.
        await using (var restarted = fixture.CreateFactory())
        {
            _ = restarted.Server;
            await Task.Delay(500);
            fixture.Stripe.CallsTo("POST", "/v1/prices").Count.Should().Be(pricesCreated);
        }

        // Pro's price changes: a new Price takes the lookup key; the old one keeps selling to existing subscriptions.
        await using var repriced = fixture.CreateFactory(new Dictionary<string, string?> { ["Plans:1:Price:Amount"] = "1000" });
        _ = repriced.Server;
        await PlansFixture.WaitForCatalogueAsync(repriced, 2, p => p.PlanCode == "pro" && p.Amount == 1000);
        var pro = fixture.Stripe.Prices.Where(p => p["metadata"]!["plan"]!.GetValue<string>() == "pro").ToList();
        pro.Should().HaveCount(2);
        pro.Single(p => p["unit_amount"]!.GetValue<long>() == 1000)["lookup_key"]!.GetValue<string>().Should().Be("plan_pro_monthly");
        pro.Single(p => p["unit_amount"]!.GetValue<long>() == 900)["lookup_key"].Should().BeNull();
        var row = await repriced.WithDbAsync(db => db.PlanPrices.SingleAsync(p => p.PlanCode == "pro"));
        row.PriceId.Should().Be(pro.Single(p => p["unit_amount"]!.GetValue<long>() == 1000)["id"]!.GetValue<string>());

        // Back to the configured price for the other tests of this class.
        await using var back = fixture.CreateFactory();
        _ = back.Server;
        await PlansFixture.WaitForCatalogueAsync(back, 2, p => p.PlanCode == "pro" && p.Amount == 900);
    }

    [Fact]
    public async Task The_catalogue_is_public_cheapest_first_with_entitlements()
    {
        using var anonymous = fixture.Factory.CreateClient();
        var plans = await anonymous.GetFromJsonAsync<JsonElement>("/api/plans");

        plans.EnumerateArray().Select(p => p.GetProperty("code").GetString()).Should().Equal("free", "pro", "business");
        var pro = plans[1];
        pro.GetProperty("price").GetProperty("amount").GetInt64().Should().Be(900);
        pro.GetProperty("price").GetProperty("currency").GetString().Should().Be("USD");
        pro.GetProperty("interval").GetString().Should().Be("month");
        pro.GetProperty("entitlements").GetRawText().Should().Be("""{"maxChannels":5,"historyDays":90,"anomalyAlerts":true,"exportsPerMonth":30}""");
    }

    [Fact]
    public async Task Subscribing_answers_Stripes_status_but_the_plan_moves_only_on_the_webhook_once_with_version_1()
    {
        var ownerId = Guid.NewGuid();
        var subscriptionId = await fixture.SubscribeAsync(ownerId);

        var mine = await fixture.MineAsync(ownerId);
        mine.GetProperty("plan").GetString().Should().Be("free", "the client's request does not change the plan");
        mine.GetProperty("status").GetString().Should().Be("active");
        mine.GetProperty("subscribedPlan").GetString().Should().Be("pro");
        mine.GetProperty("testClockId").GetString().Should().StartWith("clock_");
        (await fixture.PlanChangesAsync(ownerId)).Should().BeEmpty();

        var subscription = fixture.Stripe.Subscription(subscriptionId);
        var created = DateTimeOffset.UtcNow;
        var eventId = PaymentsFixture.NewEventId();
        (await fixture.DeliverAsync("customer.subscription.created", subscription, created, eventId)).Should().Be("applied");
        (await fixture.DeliverAsync("customer.subscription.created", subscription, created, eventId)).Should().Be("duplicate");
        (await fixture.DeliverAsync("customer.subscription.updated", subscription, created)).Should().Be("unchanged");

        mine = await fixture.MineAsync(ownerId);
        mine.GetProperty("plan").GetString().Should().Be("pro");
        mine.GetProperty("version").GetInt64().Should().Be(1);
        var change = (await fixture.PlanChangesAsync(ownerId)).Should().ContainSingle().Subject;
        change.GetProperty("plan").GetString().Should().Be("pro");
        change.GetProperty("previousPlan").GetString().Should().Be("free");
        change.GetProperty("reason").GetString().Should().Be("subscribed");
        change.GetProperty("version").GetInt64().Should().Be(1);
        SameJson(change.GetProperty("entitlements"), """{"maxChannels":5,"historyDays":90,"anomalyAlerts":true,"exportsPerMonth":30}""");
        SameJson(change.GetProperty("liftedBy"), """{"maxChannels":"business","historyDays":"business","anomalyAlerts":null,"exportsPerMonth":"business"}""");
        change.GetProperty("changedAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));

        using var owner = fixture.Owner(ownerId);
        using var again = await owner.PostAsJsonAsync("/api/subscriptions", new { plan = "business", paymentMethod = "pm_card_visa" });
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Out_of_order_events_never_move_the_subscription_backwards_and_each_plan_move_is_one_versioned_event()
    {
        var ownerId = Guid.NewGuid();
        var subscriptionId = await fixture.SubscribeAsync(ownerId);
        var t0 = DateTimeOffset.UtcNow;
        var active = fixture.Stripe.Subscription(subscriptionId);

        // Upgrade to business at Stripe; its update arrives before the (older) creation event.
        using (var owner = fixture.Owner(ownerId))
        using (var changed = await owner.PutAsJsonAsync("/api/subscriptions/mine/plan", new { plan = "business" }))
        {
            changed.StatusCode.Should().Be(HttpStatusCode.Accepted, await changed.Content.ReadAsStringAsync());
        }

        var upgraded = fixture.Stripe.Subscription(subscriptionId);
        (await fixture.DeliverAsync("customer.subscription.updated", upgraded, t0.AddSeconds(10))).Should().Be("applied");
        (await fixture.DeliverAsync("customer.subscription.created", active, t0)).Should().Be("unchanged", "an older statement changes nothing");
        (await fixture.MineAsync(ownerId)).GetProperty("plan").GetString().Should().Be("business");

        // Ended at Stripe; a late "active" update cannot bring it back.
        var canceled = fixture.Stripe.SetSubscription(subscriptionId, "canceled");
        (await fixture.DeliverAsync("customer.subscription.deleted", canceled, t0.AddSeconds(20))).Should().Be("applied");
        (await fixture.DeliverAsync("customer.subscription.updated", upgraded, t0.AddSeconds(30))).Should().Be("unchanged");

        var mine = await fixture.MineAsync(ownerId);
        mine.GetProperty("plan").GetString().Should().Be("free");
        mine.GetProperty("status").GetString().Should().Be("canceled");
        var changes = await fixture.PlanChangesAsync(ownerId);
        changes.Select(c => (c.GetProperty("plan").GetString(), c.GetProperty("reason").GetString(), c.GetProperty("version").GetInt64()))
            .Should().Equal(("business", "subscribed", 1L), ("free", "canceled", 2L));
    }

    [Fact]
    public async Task A_failed_renewal_starts_the_dunning_saga_once_and_the_paid_invoice_tells_it_the_payment_recovered()
    {
        var ownerId = Guid.NewGuid();
        var t0 = DateTimeOffset.UtcNow;
        var (subscriptionId, customerId) = await fixture.ActiveSubscriptionAsync(ownerId, t0);
        var invoice = PlansFixture.Invoice("in_renewal_" + Guid.NewGuid().ToString("N")[..8], subscriptionId, customerId, "subscription_cycle", "open");

        (await fixture.DeliverAsync("invoice.payment_failed", invoice, t0.AddSeconds(10))).Should().Be("applied");
        (await fixture.DeliverAsync("invoice.payment_failed", invoice, t0.AddSeconds(11))).Should().Be("unchanged", "a retry of the same invoice starts nothing new");

        var starts = fixture.Sidecar.InvocationsOf("workflows", "POST", "internal/dunning").Where(r => r.Body.Contains(subscriptionId, StringComparison.Ordinal)).ToList();
        var start = JsonDocument.Parse(starts.Should().ContainSingle().Subject.Body).RootElement;
        start.GetProperty("ownerId").GetGuid().Should().Be(ownerId);
        start.GetProperty("invoiceId").GetString().Should().Be(invoice["id"]!.GetValue<string>());
        var instanceId = start.GetProperty("instanceId").GetString()!;
        instanceId.Should().StartWith("dunning-").And.HaveLength(40);
        var mine = await fixture.MineAsync(ownerId);
        mine.GetProperty("status").GetString().Should().Be("past_due");
        mine.GetProperty("plan").GetString().Should().Be("pro", "the grace period keeps the plan");
        mine.GetProperty("graceUntil").GetDateTimeOffset().Should().Be(PlansFixture.GraceUntil);

        invoice["status"] = "paid";
        (await fixture.DeliverAsync("invoice.paid", invoice, t0.AddSeconds(20))).Should().Be("applied");
        fixture.Sidecar.InvocationsOf("workflows", "POST", $"internal/dunning/{instanceId}/payment-recovered").Should().ContainSingle();
        mine = await fixture.MineAsync(ownerId);
        mine.GetProperty("status").GetString().Should().Be("active");
        mine.TryGetProperty("graceUntil", out var grace).Should().BeTrue();
        grace.ValueKind.Should().Be(JsonValueKind.Null);
        (await fixture.PlanChangesAsync(ownerId)).Should().ContainSingle("a recovered renewal never changed the plan");
    }

    [Fact]
    public async Task The_sagas_downgrade_cancels_at_Stripe_voids_the_unpaid_renewal_sets_free_with_reason_downgraded_once_and_a_resubscription_is_restored()
    {
        var ownerId = Guid.NewGuid();
        var t0 = DateTimeOffset.UtcNow;
        var (subscriptionId, customerId) = await fixture.ActiveSubscriptionAsync(ownerId, t0);
        var renewalId = "in_r_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.DeliverAsync("invoice.payment_failed", fixture.Stripe.IssueInvoice(PlansFixture.Invoice(renewalId, subscriptionId, customerId, "subscription_cycle", "open")), t0.AddSeconds(5));

        using var saga = fixture.Factory.CreateAppClient("workflows");
        using (var first = await saga.PostAsync($"/internal/subscriptions/{subscriptionId}/downgrade", null))
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        }

        using (var repeat = await saga.PostAsync($"/internal/subscriptions/{subscriptionId}/downgrade", null))
        {
            repeat.StatusCode.Should().Be(HttpStatusCode.OK);
            (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("plan").GetString().Should().Be("free");
        }

        fixture.Stripe.Subscription(subscriptionId)["status"]!.GetValue<string>().Should().Be("canceled");
        fixture.Stripe.CallsTo("DELETE", $"/v1/subscriptions/{subscriptionId}").Should().ContainSingle();
        // The owner cannot pay the old renewal and end up paying for pro while on free; voided once (the repeat calls Stripe for nothing).
        fixture.Stripe.Invoice(renewalId)["status"]!.GetValue<string>().Should().Be("void");
        fixture.Stripe.CallsTo("POST", $"/v1/invoices/{renewalId}/void").Should().ContainSingle();
        (await fixture.DeliverAsync("customer.subscription.deleted", fixture.Stripe.Subscription(subscriptionId), t0.AddSeconds(30))).Should().Be("unchanged");

        var again = await fixture.SubscribeAsync(ownerId, "pro");
        await fixture.DeliverAsync("customer.subscription.created", fixture.Stripe.Subscription(again), t0.AddSeconds(40));
        (await fixture.PlanChangesAsync(ownerId)).Select(c => (c.GetProperty("plan").GetString(), c.GetProperty("reason").GetString(), c.GetProperty("version").GetInt64()))
            .Should().Equal(("pro", "subscribed", 1L), ("free", "downgraded", 2L), ("pro", "restored", 3L));
    }

    [Fact]
    public async Task A_plan_change_moves_the_plan_when_Stripe_confirms_it_with_reason_changed()
    {
        var ownerId = Guid.NewGuid();
        var t0 = DateTimeOffset.UtcNow;
        var (subscriptionId, _) = await fixture.ActiveSubscriptionAsync(ownerId, t0);
        using var owner = fixture.Owner(ownerId);

        using (var upgrade = await owner.PutAsJsonAsync("/api/subscriptions/mine/plan", new { plan = "business" }))
        {
            upgrade.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        fixture.Stripe.CallsTo("POST", $"/v1/subscriptions/{subscriptionId}").Last().Form["proration_behavior"].Should().Be("always_invoice");
        (await fixture.MineAsync(ownerId)).GetProperty("plan").GetString().Should().Be("pro", "the plan moves on Stripe's word");
        (await fixture.DeliverAsync("customer.subscription.updated", fixture.Stripe.Subscription(subscriptionId), t0.AddSeconds(5))).Should().Be("applied");
        (await fixture.MineAsync(ownerId)).GetProperty("plan").GetString().Should().Be("business");

        using (var same = await owner.PutAsJsonAsync("/api/subscriptions/mine/plan", new { plan = "business" }))
        {
            same.StatusCode.Should().Be(HttpStatusCode.Conflict);
        }

        using (var downgrade = await owner.PutAsJsonAsync("/api/subscriptions/mine/plan", new { plan = "pro" }))
        {
            downgrade.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        fixture.Stripe.CallsTo("POST", $"/v1/subscriptions/{subscriptionId}").Last().Form["proration_behavior"].Should().Be("create_prorations");
        await fixture.DeliverAsync("customer.subscription.updated", fixture.Stripe.Subscription(subscriptionId), t0.AddSeconds(10));
        (await fixture.PlanChangesAsync(ownerId)).Select(c => (c.GetProperty("plan").GetString(), c.GetProperty("previousPlan").GetString(), c.GetProperty("reason").GetString(), c.GetProperty("version").GetInt64()))
            .Should().Equal(("pro", "free", "subscribed", 1L), ("business", "pro", "changed", 2L), ("pro", "business", "changed", 3L));
    }

    [Fact]
    public async Task A_failed_renewal_while_the_workflows_app_is_down_answers_503_and_stores_nothing_so_Stripe_delivers_it_again()
    {
        var ownerId = Guid.NewGuid();
        var t0 = DateTimeOffset.UtcNow;
        var (subscriptionId, customerId) = await fixture.ActiveSubscriptionAsync(ownerId, t0);
        var invoice = PlansFixture.Invoice("in_down_" + Guid.NewGuid().ToString("N")[..8], subscriptionId, customerId, "subscription_cycle", "open");
        var down = true;
        fixture.Sidecar.Respond(r => down && r.Body.Contains(subscriptionId, StringComparison.Ordinal) ? new TestSupport.SidecarReply(500, """{"errorCode":"ERR_DIRECT_INVOKE","message":"app workflows is not available"}""") : null);
        var eventId = PaymentsFixture.NewEventId();
        var json = PlansFixture.EventJson(eventId, "invoice.payment_failed", invoice, t0.AddSeconds(5));

        using (var refused = await fixture.PostEventAsync(json))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        }

        (await fixture.Factory.WithDbAsync(db => db.StripeEvents.AnyAsync(e => e.Id == eventId))).Should().BeFalse();
        (await fixture.MineAsync(ownerId)).GetProperty("status").GetString().Should().Be("active");

        down = false;
        using var redelivered = await fixture.PostEventAsync(json);
        redelivered.StatusCode.Should().Be(HttpStatusCode.OK);
        (await fixture.MineAsync(ownerId)).GetProperty("status").GetString().Should().Be("past_due");
    }

    /// <summary>
    /// The saga's cancel at Stripe sends customer.subscription.deleted at once, and it may land before the downgrade step's
    /// own transaction: once the grace is over that end is still the downgrade ("downgraded", told as such), while Stripe's
    /// own retries giving up within the grace stay "canceled". Either way the step then adds no second event.
    /// </summary>
    [Theory]
    [InlineData(-1, "downgraded")]
    [InlineData(60, "canceled")]
    public async Task A_subscription_ending_while_dunning_is_downgraded_once_its_grace_is_over_else_canceled(int graceMinutesFromNow, string reason)
    {
        var ownerId = Guid.NewGuid();
        var t0 = DateTimeOffset.UtcNow;
        var (subscriptionId, customerId) = await fixture.ActiveSubscriptionAsync(ownerId, t0);
        var graceUntil = t0.AddMinutes(graceMinutesFromNow).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        fixture.Sidecar.Respond(r => r.Path.EndsWith("/internal/dunning", StringComparison.Ordinal) && r.Body.Contains(subscriptionId, StringComparison.Ordinal)
            ? new TestSupport.SidecarReply(202, $$"""{"instanceId":"dunning-x","graceUntil":"{{graceUntil}}","started":true}""") : null);
        await fixture.DeliverAsync("invoice.payment_failed", PlansFixture.Invoice("in_r_" + Guid.NewGuid().ToString("N")[..8], subscriptionId, customerId, "subscription_cycle", "open"), t0.AddSeconds(5));

        var ended = fixture.Stripe.SetSubscription(subscriptionId, "canceled");
        (await fixture.DeliverAsync("customer.subscription.deleted", ended, t0.AddSeconds(10))).Should().Be("applied");
        using var saga = fixture.Factory.CreateAppClient("workflows");
        using (var downgraded = await saga.PostAsync($"/internal/subscriptions/{subscriptionId}/downgrade", null))
        {
            downgraded.StatusCode.Should().Be(HttpStatusCode.OK, await downgraded.Content.ReadAsStringAsync());
        }

        (await fixture.PlanChangesAsync(ownerId)).Select(c => (c.GetProperty("plan").GetString(), c.GetProperty("reason").GetString()))
            .Should().Equal(("pro", "subscribed"), ("free", reason));
    }

    [Fact]
    public async Task A_paid_renewal_refuses_the_downgrade_with_409()
    {
        var ownerId = Guid.NewGuid();
        var (subscriptionId, _) = await fixture.ActiveSubscriptionAsync(ownerId, DateTimeOffset.UtcNow);

        using var saga = fixture.Factory.CreateAppClient("workflows");
        using var response = await saga.PostAsync($"/internal/subscriptions/{subscriptionId}/downgrade", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await fixture.MineAsync(ownerId)).GetProperty("plan").GetString().Should().Be("pro");
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "generic_decline")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    [InlineData("pm_card_chargeCustomerFail", "generic_decline")]
    public async Task A_declined_card_answers_402_with_Stripes_decline_code_and_leaves_no_subscription(string card, string declineCode)
    {
        var ownerId = Guid.NewGuid();
        using var owner = fixture.Owner(ownerId);
        using var response = await owner.PostAsJsonAsync("/api/subscriptions", new { plan = "pro", paymentMethod = card });

        response.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("declineCode").GetString().Should().Be(declineCode);
        (await fixture.Factory.WithDbAsync(db => db.PlanSubscriptions.CountAsync(s => s.OwnerId == ownerId))).Should().Be(0);
        (await fixture.MineAsync(ownerId)).GetProperty("status").ValueKind.Should().Be(JsonValueKind.Null);

        // Nothing blocks a new attempt with a good card (its own idempotency key).
        await fixture.SubscribeAsync(ownerId);
    }

    [Fact]
    public async Task Cancel_at_period_end_and_resume_are_stored_from_Stripes_answer_and_keep_the_plan()
    {
        var ownerId = Guid.NewGuid();
        var (subscriptionId, _) = await fixture.ActiveSubscriptionAsync(ownerId, DateTimeOffset.UtcNow);
        using var owner = fixture.Owner(ownerId);

        using (var cancel = await owner.PostAsync("/api/subscriptions/mine/cancel", null))
        {
            cancel.StatusCode.Should().Be(HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync());
            var body = await cancel.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("cancelAtPeriodEnd").GetBoolean().Should().BeTrue();
            body.GetProperty("plan").GetString().Should().Be("pro");
        }

        fixture.Stripe.Subscription(subscriptionId)["cancel_at_period_end"]!.GetValue<bool>().Should().BeTrue();
        using (var twice = await owner.PostAsync("/api/subscriptions/mine/cancel", null))
        {
            twice.StatusCode.Should().Be(HttpStatusCode.Conflict);
        }

        using (var resume = await owner.PostAsync("/api/subscriptions/mine/resume", null))
        {
            resume.StatusCode.Should().Be(HttpStatusCode.OK);
            (await resume.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cancelAtPeriodEnd").GetBoolean().Should().BeFalse();
        }

        fixture.Stripe.Subscription(subscriptionId)["cancel_at_period_end"]!.GetValue<bool>().Should().BeFalse();
    }

    public static TheoryData<string, string, string?, HttpStatusCode, string?> BadRequests => new()
    {
        { "POST", "/api/subscriptions", """{"paymentMethod":"pm_card_visa"}""", HttpStatusCode.BadRequest, "plan" },
        { "POST", "/api/subscriptions", """{"plan":"gold","paymentMethod":"pm_card_visa"}""", HttpStatusCode.BadRequest, "plan" },
        { "POST", "/api/subscriptions", """{"plan":"free","paymentMethod":"pm_card_visa"}""", HttpStatusCode.BadRequest, "plan" },
        { "POST", "/api/subscriptions", """{"plan":"pro"}""", HttpStatusCode.BadRequest, "paymentMethod" },
        { "POST", "/api/subscriptions", """{"plan":"pro","paymentMethod":"pm card"}""", HttpStatusCode.BadRequest, "paymentMethod" },
        { "POST", "/api/subscriptions", """{"plan":"pro","paymentMethod":"pm_unknown"}""", HttpStatusCode.BadRequest, "paymentMethod" },
        { "POST", "/api/subscriptions", "{", HttpStatusCode.BadRequest, null },
        { "PUT", "/api/subscriptions/mine/plan", """{}""", HttpStatusCode.BadRequest, "plan" },
        { "PUT", "/api/subscriptions/mine/plan", """{"plan":"free"}""", HttpStatusCode.BadRequest, "plan" },
        { "PUT", "/api/subscriptions/mine/plan", """{"plan":"business"}""", HttpStatusCode.NotFound, null },
        { "POST", "/api/subscriptions/mine/cancel", null, HttpStatusCode.NotFound, null },
        { "POST", "/api/subscriptions/mine/resume", null, HttpStatusCode.NotFound, null },
        { "PUT", "/api/subscriptions/mine/payment-method", """{}""", HttpStatusCode.BadRequest, "paymentMethodId" },
        { "PUT", "/api/subscriptions/mine/payment-method", """{"paymentMethodId":"  "}""", HttpStatusCode.BadRequest, "paymentMethodId" },
        { "PUT", "/api/subscriptions/mine/payment-method", """{"paymentMethodId":"pm card"}""", HttpStatusCode.BadRequest, "paymentMethodId" },
        { "PUT", "/api/subscriptions/mine/payment-method", """{"paymentMethodId":"tok_visa"}""", HttpStatusCode.BadRequest, "paymentMethodId" },
        { "PUT", "/api/subscriptions/mine/payment-method", $$"""{"paymentMethodId":"pm_{{new string('x', 260)}}"}""", HttpStatusCode.BadRequest, "paymentMethodId" },
        { "PUT", "/api/subscriptions/mine/payment-method", """{"paymentMethodId":7}""", HttpStatusCode.BadRequest, null },
        { "PUT", "/api/subscriptions/mine/payment-method", "{", HttpStatusCode.BadRequest, null },
        { "PUT", "/api/subscriptions/mine/payment-method", """{"paymentMethodId":"pm_card_visa"}""", HttpStatusCode.NotFound, null },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_problem_on_its_field_and_writes_nothing(string method, string path, string? json, HttpStatusCode status, string? field)
    {
        var ownerId = Guid.NewGuid();
        using var owner = fixture.Owner(ownerId);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await owner.SendAsync(request);

        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        if (field is not null)
        {
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
        }

        (await fixture.Factory.WithDbAsync(db => db.PlanSubscriptions.CountAsync(s => s.OwnerId == ownerId))).Should().Be(0);
    }

    [Fact]
    public async Task A_payment_method_Stripe_does_not_know_is_a_400_on_paymentMethodId_and_changes_nothing()
    {
        var ownerId = Guid.NewGuid();
        var (subscriptionId, _) = await fixture.ActiveSubscriptionAsync(ownerId, DateTimeOffset.UtcNow);
        var before = fixture.Stripe.Subscription(subscriptionId).ToJsonString();
        using var owner = fixture.Owner(ownerId);

        using var response = await owner.PutAsJsonAsync("/api/subscriptions/mine/payment-method", new { paymentMethodId = "pm_unknown" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("paymentMethodId", out _).Should().BeTrue();
        fixture.Stripe.Subscription(subscriptionId).ToJsonString().Should().Be(before);
        (await fixture.Factory.WithDbAsync(db => db.BillingAccounts.SingleAsync(a => a.OwnerId == ownerId))).CardUpdates.Should().Be(0);
    }

    [Theory]
    [InlineData("GET", "/internal/subscriptions/sub_unknown", "workflows", HttpStatusCode.NotFound)]
    [InlineData("POST", "/internal/subscriptions/sub_unknown/downgrade", "workflows", HttpStatusCode.NotFound)]
    [InlineData("POST", "/internal/subscriptions/sub_unknown/downgrade", "booking", HttpStatusCode.Forbidden)]
    public async Task The_sagas_steps_answer_only_the_workflows_app_and_404_an_unknown_subscription(string method, string path, string caller, HttpStatusCode status)
    {
        using var app = fixture.Factory.CreateAppClient(caller);
        using var response = await app.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        response.StatusCode.Should().Be(status);
    }

    /// <summary>The outbox keeps payloads as jsonb, which reorders and spaces them: compare the values.</summary>
    private static void SameJson(JsonElement actual, string expected) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(actual.GetRawText()), System.Text.Json.Nodes.JsonNode.Parse(expected)).Should().BeTrue($"{actual.GetRawText()} should be {expected}");

    [Theory]
    [InlineData("GET", "/api/subscriptions/mine")]
    [InlineData("PUT", "/api/subscriptions/mine/payment-method")]
    public async Task Reading_a_subscription_or_giving_a_card_requires_signing_in(string method, string path)
    {
        using var anonymous = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PUT")
        {
            request.Content = new StringContent("""{"paymentMethodId":"pm_card_visa"}""", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await anonymous.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
