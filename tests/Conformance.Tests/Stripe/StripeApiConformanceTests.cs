using Stripe;

namespace DaprPlatform.Conformance.Tests.Stripe;

/// <summary>
/// Every call payments makes through Stripe.net (Customers create, PaymentIntents create/get/confirm/cancel, Refunds
/// create) and every error it handles, sent by the unmodified Stripe.net 53.1.0 to DevHost's stand-in. The expectations
/// are Stripe's (docs.stripe.com/api) and Stripe.net's (github.com/stripe/stripe-dotnet), not the stand-in's.
/// </summary>
public sealed class StripeApiConformanceTests(StripeConformanceFixture fx) : IClassFixture<StripeConformanceFixture>
{
    private readonly StripeClient _stripe = fx.Client();

    private static RequestOptions Key(string? key = null) => new() { IdempotencyKey = key ?? $"conformance-{Guid.NewGuid():N}" };

    /// <summary>The PaymentIntent payments creates (services/Payments/Features/CreatePaymentIntent.cs).</summary>
    private async Task<PaymentIntent> CreateIntentAsync(string? customer = null, long amount = 4500, string? key = null) =>
        await _stripe.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions
            {
                Amount = amount,
                Currency = "usd",
                Description = "Tutoring session",
                Customer = customer,
                Metadata = new() { ["booking_id"] = "b-1", ["payment_id"] = "p-1", ["workflow_instance_id"] = "booking-b1" },
                AutomaticPaymentMethods = new() { Enabled = true, AllowRedirects = "never" },
            },
            Key(key));

    private async Task<PaymentIntent> PaidAsync(long amount = 4500)
    {
        var intent = await CreateIntentAsync(amount: amount);
        return await _stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_visa" }, Key());
    }

    [Fact]
    public async Task Customers_create_with_metadata_answers_a_customer_and_a_repeat_with_the_key_is_replayed()
    {
        // docs.stripe.com/api/customers/create; docs.stripe.com/api/idempotent_requests (the saved result, Idempotent-Replayed).
        var options = new CustomerCreateOptions { Metadata = new() { ["student_id"] = "s-1" } };
        var key = Key();

        var customer = await _stripe.V1.Customers.CreateAsync(options, key);
        var again = await _stripe.V1.Customers.CreateAsync(options, key);

        customer.Id.Should().StartWith("cus_");
        customer.Metadata.Should().Contain("student_id", "s-1");
        again.Id.Should().Be(customer.Id);
        again.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single().Should().Be("true");
        customer.StripeResponse.IdempotencyKey.Should().Be(key.IdempotencyKey);
        customer.StripeResponse.RequestId.Should().StartWith("req_");
    }

    [Fact]
    public async Task PaymentIntents_create_as_payments_sends_it_answers_requires_payment_method_in_the_pinned_version()
    {
        // docs.stripe.com/api/payment_intents/create; docs.stripe.com/api/versioning (Stripe.net sends its pinned Stripe-Version).
        var customer = await _stripe.V1.Customers.CreateAsync(new(), Key());

        var intent = await CreateIntentAsync(customer.Id);

        intent.Id.Should().StartWith("pi_");
        intent.Status.Should().Be("requires_payment_method");
        intent.ClientSecret.Should().StartWith(intent.Id + "_secret_");
        intent.Amount.Should().Be(4500);
        intent.Currency.Should().Be("usd");
        intent.CustomerId.Should().Be(customer.Id);
        intent.Metadata.Should().Contain("payment_id", "p-1");
        intent.AutomaticPaymentMethods.Enabled.Should().BeTrue();
        intent.AutomaticPaymentMethods.AllowRedirects.Should().Be("never");
        intent.StripeResponse.Headers.GetValues("Stripe-Version").Single().Should().Be(StripeConfiguration.ApiVersion);
    }

    [Fact]
    public async Task PaymentIntents_confirm_with_a_succeeding_test_card_and_get_with_expand()
    {
        // docs.stripe.com/api/payment_intents/confirm; docs.stripe.com/testing (pm_card_visa); docs.stripe.com/api/expanding_objects (expand[0]=…).
        var intent = await CreateIntentAsync();

        var confirmed = await _stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_visa" }, Key());
        var read = await _stripe.V1.PaymentIntents.GetAsync(intent.Id, new() { Expand = ["latest_charge", "payment_method"] });

        confirmed.Status.Should().Be("succeeded");
        confirmed.AmountReceived.Should().Be(4500);
        confirmed.LatestChargeId.Should().StartWith("ch_");
        read.LatestCharge.Id.Should().Be(confirmed.LatestChargeId);
        read.LatestCharge.Paid.Should().BeTrue();
        read.PaymentMethod.Card.Last4.Should().Be("4242");
    }

    public static TheoryData<string, string, string> Declines() => new()
    {
        { "pm_card_chargeDeclined", "card_declined", "generic_decline" },
        { "pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds" },
        { "pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card" },
    };

    [Theory]
    [MemberData(nameof(Declines))]
    public async Task A_declined_test_card_is_a_402_card_error_carrying_the_intent_back_in_requires_payment_method(string card, string code, string declineCode)
    {
        // docs.stripe.com/testing#declined-payments; docs.stripe.com/api/errors (card_error, 402, payment_intent on the error).
        var intent = await CreateIntentAsync();

        var act = () => _stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = card }, Key());

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        e.StripeError.Type.Should().Be("card_error");
        e.StripeError.Code.Should().Be(code);
        e.StripeError.DeclineCode.Should().Be(declineCode);
        e.StripeError.Message.Should().NotBeNullOrWhiteSpace();
        e.StripeError.PaymentIntent.Id.Should().Be(intent.Id);
        e.StripeError.PaymentIntent.Status.Should().Be("requires_payment_method");
        e.StripeError.PaymentIntent.LastPaymentError.DeclineCode.Should().Be(declineCode);
        e.StripeResponse.RequestId.Should().StartWith("req_");
    }

    [Fact]
    public async Task Cancel_with_a_reason_and_the_unexpected_state_errors_payments_catches()
    {
        // docs.stripe.com/api/payment_intents/cancel; docs.stripe.com/error-codes#payment-intent-unexpected-state.
        var intent = await CreateIntentAsync();
        var paid = await PaidAsync();

        var canceled = await _stripe.V1.PaymentIntents.CancelAsync(intent.Id, new() { CancellationReason = "abandoned" }, Key());
        var cancelPaid = () => _stripe.V1.PaymentIntents.CancelAsync(paid.Id, new() { CancellationReason = "abandoned" }, Key());
        var confirmPaid = () => _stripe.V1.PaymentIntents.ConfirmAsync(paid.Id, new() { PaymentMethod = "pm_card_visa" }, Key());

        canceled.Status.Should().Be("canceled");
        canceled.CancellationReason.Should().Be("abandoned");
        foreach (var act in new[] { cancelPaid, confirmPaid })
        {
            var e = (await act.Should().ThrowAsync<StripeException>()).Which;
            e.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
            e.StripeError.Type.Should().Be("invalid_request_error");
            e.StripeError.Code.Should().Be("payment_intent_unexpected_state");
            e.StripeError.PaymentIntent.Status.Should().Be("succeeded");
        }
    }

    [Fact]
    public async Task Refunds_create_partial_then_the_rest_with_metadata_and_then_nothing_is_left()
    {
        // docs.stripe.com/api/refunds/create; docs.stripe.com/error-codes#charge-already-refunded.
        var paid = await PaidAsync(6000);
        RefundCreateOptions Refund(long? amount) => new()
        {
            PaymentIntent = paid.Id, Amount = amount, Reason = "requested_by_customer", Metadata = new() { ["payment_id"] = "p-1", ["reason"] = "cancelled" },
        };

        var part = await _stripe.V1.Refunds.CreateAsync(Refund(2500), Key());
        var tooMuch = () => _stripe.V1.Refunds.CreateAsync(Refund(5000), Key());
        var over = (await tooMuch.Should().ThrowAsync<StripeException>()).Which;
        var rest = await _stripe.V1.Refunds.CreateAsync(Refund(null), Key());
        var more = () => _stripe.V1.Refunds.CreateAsync(Refund(1), Key());

        part.Id.Should().StartWith("re_");
        part.Amount.Should().Be(2500);
        part.Status.Should().Be("succeeded");
        part.PaymentIntentId.Should().Be(paid.Id);
        part.Reason.Should().Be("requested_by_customer");
        part.Metadata.Should().Contain("reason", "cancelled");
        rest.Amount.Should().Be(3500);
        over.StripeError.Should().BeEquivalentTo(new { Type = "invalid_request_error", Param = "amount" }, o => o.ExcludingMissingMembers());
        (await more.Should().ThrowAsync<StripeException>()).Which.StripeError.Code.Should().Be("charge_already_refunded");
    }

    [Fact]
    public async Task Refusals_of_parameters_name_the_param_payments_maps_to_its_field()
    {
        // docs.stripe.com/api/errors (param); docs.stripe.com/error-codes#amount-too-small, #resource-missing.
        var intent = await CreateIntentAsync();

        var small = () => CreateIntentAsync(amount: 10);
        var unknownMethod = () => _stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_does_not_exist" }, Key());

        var tooSmall = (await small.Should().ThrowAsync<StripeException>()).Which;
        tooSmall.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
        tooSmall.StripeError.Should().BeEquivalentTo(new { Type = "invalid_request_error", Code = "amount_too_small", Param = "amount" }, o => o.ExcludingMissingMembers());
        var missing = (await unknownMethod.Should().ThrowAsync<StripeException>()).Which;
        missing.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
        missing.StripeError.Should().BeEquivalentTo(new { Type = "invalid_request_error", Code = "resource_missing", Param = "payment_method" }, o => o.ExcludingMissingMembers());
    }

    [Fact]
    public async Task An_idempotency_key_reused_with_other_parameters_is_a_400_idempotency_error()
    {
        // docs.stripe.com/api/idempotent_requests: "compares incoming parameters to those of the original request and errors if they're not the same".
        var key = Key();
        await CreateIntentAsync(amount: 4500, key: key.IdempotencyKey);

        var act = () => CreateIntentAsync(amount: 4600, key: key.IdempotencyKey);

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.BadRequest);
        e.StripeError.Type.Should().Be("idempotency_error");
        e.StripeError.Message.Should().Contain(key.IdempotencyKey);
    }

    [Fact]
    public async Task A_key_that_is_not_a_test_secret_key_is_401()
    {
        // docs.stripe.com/api/errors (401 Unauthorized: no valid API key provided); docs.stripe.com/keys.
        var act = () => fx.Client(apiKey: "pk_test_publishable_not_secret").V1.PaymentIntents.GetAsync("pi_any");

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.Unauthorized);
        e.StripeError.Type.Should().Be("invalid_request_error");
        e.StripeError.Message.Should().NotContain("pk_test_publishable_not_secret", "Stripe never echoes a whole key");
    }

    [Fact]
    public async Task An_unknown_object_is_404_resource_missing()
    {
        // docs.stripe.com/api/errors (404 Not Found); docs.stripe.com/error-codes#resource-missing.
        var act = () => _stripe.V1.PaymentIntents.GetAsync("pi_does_not_exist");

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.NotFound);
        e.StripeError.Type.Should().Be("invalid_request_error");
        e.StripeError.Code.Should().Be("resource_missing");
        e.StripeError.DocUrl.Should().StartWith("https://");
        e.StripeError.RequestLogUrl.Should().Contain(e.StripeResponse.RequestId);
    }

    [Fact]
    public async Task A_rate_limited_429_surfaces_without_a_retry()
    {
        // docs.stripe.com/rate-limits; stripe-dotnet SystemNetHttpClient.ShouldRetry: a 429 is retried only on Stripe-Should-Retry: true,
        // which Stripe sends for lock timeouts, not for rate limits (stripe-dotnet issue #1886).
        await fx.ThrottleAsync(1, "rate_limit");

        var act = () => fx.Client(maxNetworkRetries: 2).V1.Customers.CreateAsync(new(), Key());

        var e = (await act.Should().ThrowAsync<StripeException>()).Which;
        e.HttpStatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        e.StripeError.Code.Should().Be("rate_limit");
        (await fx.RefusedAsync()).Should().Be(1, "Stripe.net sent the request once");
    }

    [Fact]
    public async Task A_lock_timeout_429_is_retried_by_Stripe_net_with_the_same_idempotency_key()
    {
        // docs.stripe.com/rate-limits#object-lock-timeouts ("the automatic retry mechanisms built into Stripe's client libraries will
        // retry 429s caused by lock timeouts"); stripe-dotnet SystemNetHttpClient.ShouldRetry (Stripe-Should-Retry: true).
        var key = Key();
        await fx.ThrottleAsync(2, "lock_timeout");

        var customer = await fx.Client(maxNetworkRetries: 2).V1.Customers.CreateAsync(new() { Metadata = new() { ["student_id"] = "s-lock" } }, key);
        var replay = await _stripe.V1.Customers.CreateAsync(new() { Metadata = new() { ["student_id"] = "s-lock" } }, key);

        customer.Id.Should().StartWith("cus_");
        (await fx.RefusedAsync()).Should().Be(2, "two attempts were refused before the third went through");
        replay.Id.Should().Be(customer.Id, "the retries carried the same Idempotency-Key");

        await fx.ThrottleAsync(1, "lock_timeout");
        var once = () => fx.Client(maxNetworkRetries: 0).V1.Customers.CreateAsync(new(), Key());
        (await once.Should().ThrowAsync<StripeException>()).Which.StripeError.Code.Should().Be("lock_timeout");
    }
}
