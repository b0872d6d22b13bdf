using Stripe;

namespace DaprPlatform.Conformance.Tests.Stripe;

/// <summary>
/// Every webhook event type payments handles, as the stand-in sends it, read by Stripe.net's
/// <c>EventUtility.ConstructEvent</c> with its defaults (300 s tolerance, throwOnApiVersionMismatch: true): the stand-in
/// must sign as Stripe signs (docs.stripe.com/webhooks#verify-events) and render events in Stripe.net's release line
/// (stripe-dotnet src/Stripe.net/Services/Events/EventUtility.cs, IsCompatibleApiVersion).
/// </summary>
public sealed class StripeWebhookConformanceTests(StripeConformanceFixture fx) : IClassFixture<StripeConformanceFixture>
{
    private readonly StripeClient _stripe = fx.Client();

    private static RequestOptions Key() => new() { IdempotencyKey = $"conformance-{Guid.NewGuid():N}" };

    private Task<PaymentIntent> CreateIntentAsync() => _stripe.V1.PaymentIntents.CreateAsync(
        new PaymentIntentCreateOptions
        {
            Amount = 5000,
            Currency = "usd",
            Metadata = new() { ["payment_id"] = "p-webhook" },
            AutomaticPaymentMethods = new() { Enabled = true, AllowRedirects = "never" },
        },
        Key());

    private async Task<Event> ReceiveAsync(string type, Func<JsonElement, bool> about)
    {
        var webhook = await fx.WebhookAsync(type, about);
        return EventUtility.ConstructEvent(webhook.Body, webhook.Signature, fx.WebhookSecret);
    }

    private static Func<JsonElement, bool> Id(string id) => o => o.GetProperty("id").GetString() == id;

    [Fact]
    public async Task Payment_intent_succeeded_parses_into_the_succeeded_PaymentIntent()
    {
        // docs.stripe.com/api/events/types#event_types-payment_intent.succeeded; EventUtility.ConstructEvent (signature, tolerance, release line).
        var intent = await CreateIntentAsync();
        await _stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_visa" }, Key());

        var evt = await ReceiveAsync(EventTypes.PaymentIntentSucceeded, Id(intent.Id));

        evt.ApiVersion.Should().Be(StripeConfiguration.ApiVersion);
        evt.Id.Should().StartWith("evt_");
        evt.Created.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
        var succeeded = evt.Data.Object.Should().BeOfType<PaymentIntent>().Subject;
        succeeded.Id.Should().Be(intent.Id);
        succeeded.Status.Should().Be("succeeded");
        succeeded.Metadata.Should().Contain("payment_id", "p-webhook");
    }

    [Fact]
    public async Task Payment_intent_payment_failed_parses_with_the_last_payment_error()
    {
        // docs.stripe.com/api/events/types#event_types-payment_intent.payment_failed; docs.stripe.com/api/payment_intents/object#payment_intent_object-last_payment_error.
        var intent = await CreateIntentAsync();
        var decline = () => _stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_chargeDeclinedInsufficientFunds" }, Key());
        await decline.Should().ThrowAsync<StripeException>();

        var evt = await ReceiveAsync(EventTypes.PaymentIntentPaymentFailed, Id(intent.Id));

        var failed = evt.Data.Object.Should().BeOfType<PaymentIntent>().Subject;
        failed.Status.Should().Be("requires_payment_method");
        failed.LastPaymentError.Type.Should().Be("card_error");
        failed.LastPaymentError.Code.Should().Be("card_declined");
        failed.LastPaymentError.DeclineCode.Should().Be("insufficient_funds");
        failed.LastPaymentError.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Payment_intent_canceled_parses_with_the_cancellation_reason()
    {
        // docs.stripe.com/api/events/types#event_types-payment_intent.canceled.
        var intent = await CreateIntentAsync();
        await _stripe.V1.PaymentIntents.CancelAsync(intent.Id, new() { CancellationReason = "abandoned" }, Key());

        var evt = await ReceiveAsync(EventTypes.PaymentIntentCanceled, Id(intent.Id));

        var canceled = evt.Data.Object.Should().BeOfType<PaymentIntent>().Subject;
        canceled.Status.Should().Be("canceled");
        canceled.CancellationReason.Should().Be("abandoned");
    }

    [Fact]
    public async Task Charge_refunded_parses_into_the_Charge_with_its_running_refunded_total()
    {
        // docs.stripe.com/api/events/types#event_types-charge.refunded; docs.stripe.com/api/charges/object#charge_object-amount_refunded (cumulative).
        var intent = await CreateIntentAsync();
        await _stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_visa" }, Key());
        await _stripe.V1.Refunds.CreateAsync(new() { PaymentIntent = intent.Id, Amount = 1200 }, Key());
        await _stripe.V1.Refunds.CreateAsync(new() { PaymentIntent = intent.Id, Amount = 800 }, Key());

        var evt = await ReceiveAsync(EventTypes.ChargeRefunded, o => o.GetProperty("payment_intent").GetString() == intent.Id && o.GetProperty("amount_refunded").GetInt64() == 2000);

        var charge = evt.Data.Object.Should().BeOfType<Charge>().Subject;
        charge.PaymentIntentId.Should().Be(intent.Id);
        charge.Amount.Should().Be(5000);
        charge.AmountRefunded.Should().Be(2000);
        charge.Refunded.Should().BeFalse();
        charge.Metadata.Should().Contain("payment_id", "p-webhook");
    }

    [Fact]
    public async Task Every_event_type_the_stand_in_sends_parses_into_its_typed_object()
    {
        // Payments acknowledges the types it does not handle (stored as ignored); each must still pass ConstructEvent,
        // or Stripe would see 400s and retry them (docs.stripe.com/webhooks#acknowledge-events-immediately).
        var customer = await _stripe.V1.Customers.CreateAsync(new(), Key());
        var intent = await _stripe.V1.PaymentIntents.CreateAsync(
            new() { Amount = 5000, Currency = "usd", Customer = customer.Id, AutomaticPaymentMethods = new() { Enabled = true, AllowRedirects = "never" } }, Key());
        var decline = () => _stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_chargeDeclined" }, Key());
        await decline.Should().ThrowAsync<StripeException>();
        await _stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_visa" }, Key());
        await _stripe.V1.Refunds.CreateAsync(new() { PaymentIntent = intent.Id, Amount = 100 }, Key());
        var expected = new Dictionary<string, Type>
        {
            ["customer.created"] = typeof(Customer),
            ["payment_intent.created"] = typeof(PaymentIntent),
            ["charge.failed"] = typeof(Charge),
            ["charge.succeeded"] = typeof(Charge),
            ["refund.created"] = typeof(Refund),
        };

        foreach (var (type, objectType) in expected)
        {
            var evt = await ReceiveAsync(type, o => o.GetProperty("id").GetString() == customer.Id
                || (o.TryGetProperty("payment_intent", out var pi) && pi.GetString() == intent.Id) || o.GetProperty("id").GetString() == intent.Id);

            evt.Type.Should().Be(type);
            evt.Data.Object.Should().BeOfType(objectType, type);
        }
    }

    [Fact]
    public async Task An_endpoint_on_another_release_line_gets_events_Stripe_net_refuses_to_read()
    {
        // The check the stand-in's default satisfies is real: an endpoint pinned to 2024-06-20 gets events of that version,
        // which ConstructEvent rejects unless told not to (it is never told so in payments).
        await using var old = await StripeStandInHarness.StartAsync(o => o with { WebhookApiVersion = "2024-06-20" });
        var client = new StripeClient(new StripeClientOptions { ApiKey = old.StandIn.Options.SecretKey, ApiBase = old.StandIn.BaseUrl.ToString().TrimEnd('/') });
        await client.V1.Customers.CreateAsync(new(), Key());

        var webhook = (await old.ReceivedAtLeastAsync(1)).Single();
        var act = () => EventUtility.ConstructEvent(webhook.Body, webhook.Signature, old.StandIn.Options.WebhookSecret);

        webhook.Json.GetProperty("api_version").GetString().Should().Be("2024-06-20");
        act.Should().Throw<StripeException>().WithMessage("*API version 2024-06-20*");
    }
}
