using System.Globalization;
using System.Security.Cryptography;
using DaprPlatform.DevHost.Stripe;

namespace DaprPlatform.DevHost.Tests.Stripe;

/// <summary>
/// Events and webhook delivery as Stripe documents them ("Event object", "Receive Stripe events in your webhook
/// endpoint", "Verify webhook signatures"), plus the stand-in's retry schedule and control API.
/// </summary>
public sealed class StripeWebhookTests
{
    [Fact]
    public async Task Webhooks_are_signed_so_that_the_documented_verification_accepts_them()
    {
        await using var stripe = await StripeStandInHarness.StartAsync();
        await stripe.CreateIntentAsync(("payment_method", "pm_card_visa"), ("confirm", "true"));

        var received = await stripe.ReceivedAtLeastAsync(3);

        foreach (var webhook in received)
        {
            webhook.ContentType.Should().StartWith("application/json");
            Verify(webhook.Signature!, webhook.Body, StripeStandInOptions.DefaultWebhookSecret).Should().BeTrue(webhook.Signature);
            Verify(webhook.Signature!, webhook.Body, "whsec_some_other_secret").Should().BeFalse("a different endpoint secret must not verify");
            Verify(webhook.Signature!, webhook.Body.Replace("2000", "1", StringComparison.Ordinal), StripeStandInOptions.DefaultWebhookSecret).Should().BeFalse("a tampered body must not verify");
        }
    }

    [Fact]
    public async Task Events_carry_the_object_at_that_moment_and_arrive_in_order_per_payment_intent()
    {
        await using var stripe = await StripeStandInHarness.StartAsync();
        var intent = await stripe.CreateIntentAsync(("metadata[workflow_instance_id]", "booking-1"));
        var id = intent.GetProperty("id").GetString()!;
        using (var declined = await stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_chargeDeclinedInsufficientFunds")], "confirm-a"))
        {
            declined.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        }

        await stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_visa")], "confirm-b");
        await stripe.PostAsync("/v1/refunds", [("payment_intent", id), ("amount", "700")]);

        var received = await stripe.ReceivedAtLeastAsync(7);

        // The event types of each step, in the order the steps happened.
        received.Select(w => w.Type).Should().Equal(
            "payment_intent.created", "charge.failed", "payment_intent.payment_failed", "charge.succeeded", "payment_intent.succeeded", "charge.refunded", "refund.created");
        // Event object: evt_ id, object "event", api_version, created, livemode false, pending_webhooks, request {id, idempotency_key}, data.object.
        var failed = received[2].Json;
        failed.GetProperty("id").GetString().Should().StartWith("evt_");
        failed.GetProperty("object").GetString().Should().Be("event");
        failed.GetProperty("api_version").GetString().Should().Be(stripe.StandIn.Options.ApiVersion);
        failed.GetProperty("livemode").GetBoolean().Should().BeFalse();
        failed.GetProperty("pending_webhooks").GetInt32().Should().Be(1);
        failed.GetProperty("created").GetInt64().Should().BePositive();
        failed.GetProperty("request").GetProperty("id").GetString().Should().StartWith("req_");
        failed.GetProperty("request").GetProperty("idempotency_key").GetString().Should().Be("confirm-a");
        var failedIntent = failed.GetProperty("data").GetProperty("object");
        failedIntent.GetProperty("id").GetString().Should().Be(id);
        failedIntent.GetProperty("status").GetString().Should().Be("requires_payment_method");
        failedIntent.GetProperty("last_payment_error").GetProperty("decline_code").GetString().Should().Be("insufficient_funds");
        failedIntent.GetProperty("metadata").GetProperty("workflow_instance_id").GetString().Should().Be("booking-1");
        received[4].Json.GetProperty("data").GetProperty("object").GetProperty("status").GetString().Should().Be("succeeded");
        received[5].Json.GetProperty("data").GetProperty("object").GetProperty("amount_refunded").GetInt64().Should().Be(700);
        received[6].Json.GetProperty("data").GetProperty("object").GetProperty("object").GetString().Should().Be("refund");

        // The same events through the API: GET /v1/events/{id}.
        var fetched = await stripe.GetJsonAsync($"/v1/events/{received[2].EventId}");
        fetched.GetProperty("type").GetString().Should().Be("payment_intent.payment_failed");
    }

    [Fact]
    public async Task Events_are_rendered_in_the_endpoints_api_version_whatever_version_the_request_used()
    {
        await using var stripe = await StripeStandInHarness.StartAsync(o => o with { WebhookApiVersion = "2024-06-20" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payment_intents")
        {
            Content = new FormUrlEncodedContent([new("amount", "2000"), new("currency", "usd")]),
        };
        request.Headers.Add("Stripe-Version", "2026-10-28.endive");
        using var created = await stripe.Client.SendAsync(request);

        var webhook = (await stripe.ReceivedAtLeastAsync(1)).Single();

        // Webhook endpoints: events are generated in the endpoint's API version (else the account's), whatever the request sent.
        (await created.ReadJsonAsync()).TryGetProperty("invoice", out _).Should().BeFalse();
        webhook.Json.GetProperty("api_version").GetString().Should().Be("2024-06-20");
        webhook.Json.GetProperty("data").GetProperty("object").TryGetProperty("invoice", out _).Should().BeTrue("2024-06-20 predates basil, which removed invoice");
        (await stripe.GetJsonAsync("/standin/webhooks")).GetProperty("apiVersion").GetString().Should().Be("2024-06-20");
    }

    [Fact]
    public async Task A_failing_endpoint_gets_the_event_again_until_it_answers_2xx()
    {
        await using var stripe = await StripeStandInHarness.StartAsync(o => o with { WebhookMaxAttempts = 4 });
        stripe.Answer = before => before < 2 ? 500 : 200;
        var id = (await stripe.CreateIntentAsync()).GetProperty("id").GetString()!;

        var received = await stripe.ReceivedAtLeastAsync(3);
        var events = await Eventually.UntilAsync("delivery recorded", async _ => await stripe.EventsAsync(id), e => e.Single().GetProperty("delivery").GetString() == "delivered", TimeSpan.FromSeconds(10), e => e.Single().ToString());

        // Stripe "attempts to deliver your events for up to three days with an exponential back off" on a non-2xx answer; the stand-in retries sooner.
        received.Select(w => w.EventId).Distinct().Should().ContainSingle("every attempt carries the same event");
        received.Select(w => w.Body).Distinct().Should().ContainSingle("retries send the same payload");
        var attempts = events.Single().GetProperty("deliveries").EnumerateArray().ToList();
        attempts.Select(a => a.GetProperty("status").GetInt32()).Should().Equal(500, 500, 200);
        events.Single().GetProperty("lastStatus").GetInt32().Should().Be(200);
    }

    [Fact]
    public async Task Attempts_are_bounded_and_an_unreachable_endpoint_counts_as_a_failure()
    {
        var deadPort = FreeTcpPort.Next();
        await using var stripe = await StripeStandInHarness.StartAsync(o => o with { WebhookMaxAttempts = 3, WebhookUrl = new Uri($"http://127.0.0.1:{deadPort}/hook") });
        var id = (await stripe.CreateIntentAsync()).GetProperty("id").GetString()!;

        var events = await Eventually.UntilAsync("attempts used up", async _ => await stripe.EventsAsync(id), e => e.Single().GetProperty("delivery").GetString() == "failed", TimeSpan.FromSeconds(15), e => e.Single().ToString());

        var attempts = events.Single().GetProperty("deliveries").EnumerateArray().ToList();
        attempts.Should().HaveCount(3);
        attempts.Should().OnlyContain(a => a.GetProperty("status").ValueKind == JsonValueKind.Null && a.GetProperty("error").GetString()!.StartsWith("unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redeliver_sends_the_identical_event_again()
    {
        await using var stripe = await StripeStandInHarness.StartAsync();
        var id = (await stripe.CreateIntentAsync(("payment_method", "pm_card_visa"), ("confirm", "true"))).GetProperty("id").GetString()!;
        await stripe.ReceivedAtLeastAsync(3);
        var succeeded = stripe.Received.Single(w => w.Type == "payment_intent.succeeded");

        using var response = await stripe.Client.PostAsync($"/standin/events/{succeeded.EventId}/redeliver", null);

        // Stripe may deliver an event more than once ("Handle duplicate events"); the duplicate has the same id and body.
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.ReadJsonAsync()).GetProperty("attempt").GetProperty("status").GetInt32().Should().Be(200);
        var duplicates = stripe.Received.Where(w => w.EventId == succeeded.EventId).ToList();
        duplicates.Should().HaveCount(2);
        duplicates[1].Body.Should().Be(succeeded.Body);
        Verify(duplicates[1].Signature!, duplicates[1].Body, StripeStandInOptions.DefaultWebhookSecret).Should().BeTrue();
        var view = (await stripe.EventsAsync(id)).Single(e => e.GetProperty("id").GetString() == succeeded.EventId);
        view.GetProperty("deliveries").EnumerateArray().Last().GetProperty("redelivery").GetBoolean().Should().BeTrue();

        using var unknown = await stripe.Client.PostAsync("/standin/events/evt_unknown/redeliver", null);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Paused_delivery_holds_events_back_until_resumed()
    {
        await using var stripe = await StripeStandInHarness.StartAsync();
        (await stripe.Client.PostAsync("/standin/webhooks/pause", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var id = (await stripe.CreateIntentAsync()).GetProperty("id").GetString()!;

        var pending = await stripe.EventsAsync(id);
        (await stripe.GetJsonAsync("/standin/webhooks")).GetProperty("paused").GetBoolean().Should().BeTrue();
        pending.Single().GetProperty("delivery").GetString().Should().Be("pending");
        pending.Single().GetProperty("deliveries").GetArrayLength().Should().Be(0);

        (await stripe.Client.PostAsync("/standin/webhooks/resume", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var received = await stripe.ReceivedAtLeastAsync(1);
        received.Single().Type.Should().Be("payment_intent.created");
    }

    [Fact]
    public async Task Without_an_endpoint_events_are_kept_but_not_sent()
    {
        await using var stripe = await StripeStandInHarness.StartAsync(webhooks: false);
        var id = (await stripe.CreateIntentAsync()).GetProperty("id").GetString()!;

        var events = await stripe.EventsAsync(id);

        events.Single().GetProperty("delivery").GetString().Should().Be("no_endpoint");
        events.Single().GetProperty("event").GetProperty("pending_webhooks").GetInt32().Should().Be(0);
        using var redeliver = await stripe.Client.PostAsync($"/standin/events/{events.Single().GetProperty("id").GetString()}/redeliver", null);
        redeliver.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    /// <summary>
    /// The receiving side of "Verify webhook signatures", written from the documentation: split the header on commas,
    /// take t and every v1, HMAC-SHA256 the string "{t}.{body}" with the endpoint secret, compare hex in constant time,
    /// and refuse timestamps more than five minutes away.
    /// </summary>
    private static bool Verify(string header, string body, string secret)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var timestamp = parts.Where(p => p[0] == "t").Select(p => p[1]).SingleOrDefault();
        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var t)) { return false; }
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t) > 300) { return false; }
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return parts.Where(p => p[0] == "v1").Any(p =>
        {
            try
            {
                return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(p[1]));
            }
            catch (FormatException)
            {
                return false;
            }
        });
    }
}
