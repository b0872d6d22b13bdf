using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Payments.Tests;

public sealed class WebhookTests(PaymentsFixture fx) : IClassFixture<PaymentsFixture>
{
    private static Guid Id(JsonElement payment) => payment.GetProperty("paymentId").GetGuid();

    private static string IntentId(JsonElement payment) => payment.GetProperty("paymentIntentId").GetString()!;

    private Task<string> StatusAsync(Guid paymentId) =>
        fx.Factory.WithDbAsync(async db => (await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId)).Status.ToString());

    private static async Task<string> ReceiptAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
    }

    /// <summary>The intent as Stripe would put it in the event: its current state at the fake, with changes.</summary>
    private JsonObject IntentObject(JsonElement payment, string status, JsonObject? lastPaymentError = null)
    {
        var intent = fx.Stripe.Intent(IntentId(payment));
        intent.Remove("amount_refunded_total");
        intent["status"] = status;
        if (status == "succeeded")
        {
            intent["amount_received"] = intent["amount"]!.GetValue<long>();
        }

        intent["last_payment_error"] = lastPaymentError;
        return intent;
    }

    [Fact]
    public async Task Succeeded_marks_the_payment_and_publishes_payment_succeeded_with_the_workflow_instance()
    {
        var payment = await fx.CreatePaymentAsync(amount: 7000);
        var evt = PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.succeeded", IntentObject(payment, "succeeded").ToJsonString());

        using var response = await fx.PostSignedWebhookAsync(evt);

        (await ReceiptAsync(response)).Should().Be("applied");
        (await StatusAsync(Id(payment))).Should().Be("Succeeded");
        var published = (await fx.OutboxEventsAsync("payment.succeeded", Id(payment))).Should().ContainSingle().Subject;
        published.GetProperty("bookingId").GetGuid().Should().Be(payment.GetProperty("bookingId").GetGuid());
        published.GetProperty("studentId").GetGuid().Should().Be(payment.GetProperty("studentId").GetGuid());
        published.GetProperty("workflowInstanceId").GetString().Should().Be($"booking-{payment.GetProperty("bookingId").GetGuid():N}");
        published.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(7000);
        published.GetProperty("amount").GetProperty("currency").GetString().Should().Be("USD");
        published.GetProperty("refunded").GetProperty("amount").GetInt64().Should().Be(0);
        published.GetProperty("status").GetString().Should().Be("succeeded");
        published.TryGetProperty("occurredAt", out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_redelivered_event_is_acknowledged_and_has_one_effect()
    {
        // Stripe delivers at least once: the event id is stored once, so a redelivery changes nothing.
        var payment = await fx.CreatePaymentAsync();
        var eventId = PaymentsFixture.NewEventId();
        var evt = PaymentsFixture.IntentEvent(eventId, "payment_intent.succeeded", IntentObject(payment, "succeeded").ToJsonString());

        using var first = await fx.PostSignedWebhookAsync(evt);
        using var second = await fx.PostSignedWebhookAsync(evt);

        (await ReceiptAsync(first)).Should().Be("applied");
        (await ReceiptAsync(second)).Should().Be("duplicate");
        (await fx.PaymentEventsAsync(Id(payment))).Should().ContainSingle();
        (await fx.Factory.WithDbAsync(db => db.StripeEvents.CountAsync(e => e.Id == eventId))).Should().Be(1);
    }

    [Fact]
    public async Task Concurrent_redeliveries_have_one_effect()
    {
        var payment = await fx.CreatePaymentAsync();
        var evt = PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.succeeded", IntentObject(payment, "succeeded").ToJsonString());

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fx.PostSignedWebhookAsync(evt)));

        var receipts = await Task.WhenAll(responses.Select(ReceiptAsync));
        receipts.Count(r => r == "applied").Should().Be(1);
        (await fx.PaymentEventsAsync(Id(payment))).Should().ContainSingle();
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task A_forged_event_is_refused_and_changes_nothing()
    {
        var payment = await fx.CreatePaymentAsync();
        var evt = PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.succeeded", IntentObject(payment, "succeeded").ToJsonString());
        var before = await fx.CountsAsync();

        using var wrongSecret = await fx.PostWebhookAsync(evt, PaymentsFixture.SignatureHeader(evt, "whsec_forged"));
        using var stale = await fx.PostWebhookAsync(evt, PaymentsFixture.SignatureHeader(evt, PaymentsFixture.WebhookSecret, DateTimeOffset.UtcNow.AddMinutes(-6)));
        using var tampered = await fx.PostWebhookAsync(evt.Replace("\"amount\":", "\"amount\": ", StringComparison.Ordinal), PaymentsFixture.SignatureHeader(evt, PaymentsFixture.WebhookSecret));
        using var unsigned = await fx.PostWebhookAsync(evt, null);

        foreach (var response in new[] { wrongSecret, stale, tampered, unsigned })
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            await response.ReadProblemAsync();
        }

        (await fx.CountsAsync()).Should().Be(before);
        (await StatusAsync(Id(payment))).Should().Be("RequiresPayment");
    }

    [Fact]
    public async Task Payment_failed_marks_the_payment_failed_with_the_decline_code()
    {
        var payment = await fx.CreatePaymentAsync();
        var error = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "insufficient_funds", ["message"] = "Your card has insufficient funds." };
        var evt = PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.payment_failed", IntentObject(payment, "requires_payment_method", error).ToJsonString());

        using var response = await fx.PostSignedWebhookAsync(evt);

        (await ReceiptAsync(response)).Should().Be("applied");
        (await StatusAsync(Id(payment))).Should().Be("Failed");
        var published = (await fx.OutboxEventsAsync("payment.failed", Id(payment))).Should().ContainSingle().Subject;
        published.GetProperty("failureCode").GetString().Should().Be("insufficient_funds");
        published.GetProperty("failureMessage").GetString().Should().Be("Your card has insufficient funds.");
        published.GetProperty("status").GetString().Should().Be("failed");
    }

    [Fact]
    public async Task A_failure_arriving_after_success_does_not_move_the_payment_backwards()
    {
        // Stripe does not guarantee event order.
        var payment = await fx.CreatePaymentAsync();
        var error = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "generic_decline", ["message"] = "Your card was declined." };
        var succeeded = PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.succeeded", IntentObject(payment, "succeeded").ToJsonString());
        var failed = PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.payment_failed", IntentObject(payment, "requires_payment_method", error).ToJsonString());

        using var first = await fx.PostSignedWebhookAsync(succeeded);
        using var late = await fx.PostSignedWebhookAsync(failed);

        (await ReceiptAsync(late)).Should().Be("unchanged");
        (await StatusAsync(Id(payment))).Should().Be("Succeeded");
        (await fx.PaymentEventsAsync(Id(payment))).Select(e => e.Topic).Should().Equal("payment.succeeded");
    }

    [Fact]
    public async Task Canceled_marks_an_unpaid_payment_canceled_without_an_event()
    {
        var payment = await fx.CreatePaymentAsync();
        var evt = PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.canceled", IntentObject(payment, "canceled").ToJsonString());

        using var response = await fx.PostSignedWebhookAsync(evt);

        (await ReceiptAsync(response)).Should().Be("applied");
        (await StatusAsync(Id(payment))).Should().Be("Canceled");
        (await fx.PaymentEventsAsync(Id(payment))).Should().BeEmpty();
    }

    [Fact]
    public async Task Charge_refunded_partial_then_full_tracks_the_running_total()
    {
        var payment = await fx.CreatePaymentAsync(amount: 8000);
        using (var paid = await fx.PostSignedWebhookAsync(PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.succeeded", IntentObject(payment, "succeeded").ToJsonString())))
        {
            (await ReceiptAsync(paid)).Should().Be("applied");
        }

        var partial = PaymentsFixture.ChargeRefunded(PaymentsFixture.NewEventId(), payment, 3000);
        using var first = await fx.PostSignedWebhookAsync(partial);
        (await StatusAsync(Id(payment))).Should().Be("PartiallyRefunded");
        using var redelivered = await fx.PostSignedWebhookAsync(partial);
        using var full = await fx.PostSignedWebhookAsync(PaymentsFixture.ChargeRefunded(PaymentsFixture.NewEventId(), payment, 8000));

        (await ReceiptAsync(first)).Should().Be("applied");
        (await ReceiptAsync(redelivered)).Should().Be("duplicate");
        (await ReceiptAsync(full)).Should().Be("applied");
        (await StatusAsync(Id(payment))).Should().Be("Refunded");
        var refunds = await fx.OutboxEventsAsync("payment.refunded", Id(payment));
        refunds.Select(r => r.GetProperty("refunded").GetProperty("amount").GetInt64()).Should().Equal(3000, 8000);
        refunds.Select(r => r.GetProperty("status").GetString()).Should().Equal("partiallyRefunded", "refunded");
    }

    [Fact]
    public async Task A_refund_reported_before_the_success_event_announces_both()
    {
        // Stripe does not order events: charge.refunded may overtake payment_intent.succeeded.
        var payment = await fx.CreatePaymentAsync(amount: 5000);

        using var refunded = await fx.PostSignedWebhookAsync(PaymentsFixture.ChargeRefunded(PaymentsFixture.NewEventId(), payment, 2000));
        using var late = await fx.PostSignedWebhookAsync(PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.succeeded", IntentObject(payment, "succeeded").ToJsonString()));

        (await ReceiptAsync(refunded)).Should().Be("applied");
        (await ReceiptAsync(late)).Should().Be("unchanged");
        (await StatusAsync(Id(payment))).Should().Be("PartiallyRefunded");
        (await fx.PaymentEventsAsync(Id(payment))).Select(e => e.Topic).Should().Equal("payment.succeeded", "payment.refunded");
    }

    [Fact]
    public async Task Events_for_unknown_intents_and_unhandled_types_are_stored_and_acknowledged()
    {
        var unknownIntent = $$$"""{"id":"pi_unknown_{{{Guid.NewGuid():N}}}","object":"payment_intent","amount":100,"amount_received":100,"currency":"usd","status":"succeeded","metadata":{}}""";
        var unknownId = PaymentsFixture.NewEventId();
        var otherId = PaymentsFixture.NewEventId();

        using var unknown = await fx.PostSignedWebhookAsync(PaymentsFixture.IntentEvent(unknownId, "payment_intent.succeeded", unknownIntent));
        using var other = await fx.PostSignedWebhookAsync(PaymentsFixture.IntentEvent(otherId, "customer.created", """{"id":"cus_1","object":"customer"}"""));

        (await ReceiptAsync(unknown)).Should().Be("ignored");
        (await ReceiptAsync(other)).Should().Be("ignored");
        var stored = await fx.Factory.WithDbAsync(db => db.StripeEvents.AsNoTracking().Where(e => e.Id == unknownId || e.Id == otherId).ToListAsync());
        stored.Should().HaveCount(2).And.OnlyContain(e => e.Outcome == "ignored" && e.PaymentId == null);
    }

    [Fact]
    public async Task A_payment_id_in_metadata_that_belongs_to_another_intent_is_not_trusted()
    {
        var victim = await fx.CreatePaymentAsync();
        var intent = $$$"""{"id":"pi_other_{{{Guid.NewGuid():N}}}","object":"payment_intent","amount":100,"amount_received":100,"currency":"usd","status":"succeeded","metadata":{"payment_id":"{{{Id(victim)}}}"}}""";

        using var response = await fx.PostSignedWebhookAsync(PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "payment_intent.succeeded", intent));

        (await ReceiptAsync(response)).Should().Be("ignored");
        (await StatusAsync(Id(victim))).Should().Be("RequiresPayment");
    }
}
