using DaprPlatform.Payments.Infrastructure.Stripe;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Payments.Tests;

/// <summary>The Stripe client against an in-test server answering with Stripe's documented shapes.</summary>
public sealed class StripeApiTests : IAsyncLifetime
{
    private FakeStripe _stripe = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _stripe = await FakeStripe.StartAsync();
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _stripe.DisposeAsync();
    }

    private StripeApi Api(string secretKey = FakeStripe.SecretKey, int maxRetries = 2) =>
        new(_http, Options.Create(new StripeOptions
        {
            BaseUrl = _stripe.BaseUrl,
            SecretKey = secretKey,
            ApiVersion = "2024-06-20",
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.Zero,
        }), TimeProvider.System, NullLogger<StripeApi>.Instance);

    private static PaymentIntentCreate Create(long amount = 4500) => new(
        amount,
        "USD",
        "Tutoring & more = 100%",
        null,
        new Dictionary<string, string>(StringComparer.Ordinal) { ["booking_id"] = "b-1", ["workflow_instance_id"] = "booking-x y" });

    [Fact]
    public async Task Create_intent_sends_bracket_encoded_form_with_auth_version_and_idempotency_key()
    {
        var intent = await Api().CreatePaymentIntentAsync(Create(), "payment-1-create", default);

        var call = _stripe.CallsTo("POST", "/v1/payment_intents").Should().ContainSingle().Subject;
        call.ContentType.Should().StartWith("application/x-www-form-urlencoded");
        call.Authorization.Should().Be("Bearer " + FakeStripe.SecretKey);
        call.StripeVersion.Should().Be("2024-06-20");
        call.IdempotencyKey.Should().Be("payment-1-create");
        // Stripe's nested-parameter notation, brackets left readable as Stripe's own libraries send them.
        call.RawBody.Should().Contain("metadata[booking_id]=b-1").And.Contain("automatic_payment_methods[enabled]=true");
        call.Form.Should().Contain(new Dictionary<string, string>
        {
            ["amount"] = "4500",
            ["currency"] = "usd",
            ["description"] = "Tutoring & more = 100%",
            ["metadata[booking_id]"] = "b-1",
            ["metadata[workflow_instance_id]"] = "booking-x y",
            ["automatic_payment_methods[enabled]"] = "true",
            ["automatic_payment_methods[allow_redirects]"] = "never",
        });
        intent.Id.Should().StartWith("pi_");
        intent.Object.Should().Be("payment_intent");
        intent.Status.Should().Be("requires_payment_method");
        intent.ClientSecret.Should().StartWith(intent.Id + "_secret_");
        intent.Metadata.Should().Contain("booking_id", "b-1");
    }

    [Fact]
    public async Task Get_carries_no_idempotency_key_and_parses_the_intent()
    {
        var api = Api();
        var created = await api.CreatePaymentIntentAsync(Create(), "k-get", default);

        var read = await api.RetrievePaymentIntentAsync(created.Id, default);

        read.Should().BeEquivalentTo(created);
        _stripe.CallsTo("GET", created.Id).Should().ContainSingle().Which.IdempotencyKey.Should().BeNull();
    }

    [Fact]
    public async Task Confirm_cancel_refund_and_customers_use_stripes_parameter_names()
    {
        var api = Api();
        var customer = await api.CreateCustomerAsync(new CustomerCreate("s@example.com", "Sam", new Dictionary<string, string> { ["student_id"] = "s1" }), "cust-1", default);
        var intent = await api.CreatePaymentIntentAsync(Create() with { Customer = customer.Id }, "k-1", default);
        var confirmed = await api.ConfirmPaymentIntentAsync(intent.Id, "pm_card_visa", "k-2", default);
        var refund = await api.CreateRefundAsync(new RefundCreate(intent.Id, 1000, "requested_by_customer", new Dictionary<string, string> { ["payment_id"] = "p1" }), "k-3", default);
        var other = await api.CreatePaymentIntentAsync(Create(), "k-4", default);
        var canceled = await api.CancelPaymentIntentAsync(other.Id, "abandoned", "k-5", default);
        var readCustomer = await api.RetrieveCustomerAsync(customer.Id, default);

        _stripe.CallsTo("POST", "/v1/customers").Single().Form.Should().Contain(new Dictionary<string, string>
        {
            ["email"] = "s@example.com", ["name"] = "Sam", ["metadata[student_id]"] = "s1",
        });
        _stripe.CallsTo("POST", "/v1/payment_intents").First().Form.Should().Contain("customer", customer.Id);
        _stripe.CallsTo("POST", "/confirm").Single().Form.Should().Equal(new Dictionary<string, string> { ["payment_method"] = "pm_card_visa" });
        _stripe.CallsTo("POST", "/v1/refunds").Single().Form.Should().Equal(new Dictionary<string, string>
        {
            ["payment_intent"] = intent.Id, ["amount"] = "1000", ["reason"] = "requested_by_customer", ["metadata[payment_id]"] = "p1",
        });
        _stripe.CallsTo("POST", "/cancel").Single().Form.Should().Equal(new Dictionary<string, string> { ["cancellation_reason"] = "abandoned" });
        confirmed.Status.Should().Be("succeeded");
        confirmed.AmountReceived.Should().Be(4500);
        confirmed.LatestCharge.Should().StartWith("ch_");
        refund.Should().BeEquivalentTo(new Refund(refund.Id, 1000, "usd", "succeeded", intent.Id, "requested_by_customer"));
        canceled.Status.Should().Be("canceled");
        canceled.CancellationReason.Should().Be("abandoned");
        readCustomer.Should().BeEquivalentTo(customer);
        _stripe.Calls.Where(c => c.Method == "POST").Select(c => c.IdempotencyKey).Should().OnlyHaveUniqueItems().And.NotContainNulls();
    }

    [Fact]
    public async Task A_card_decline_maps_stripes_402_card_error_with_the_declined_intent()
    {
        var api = Api();
        var intent = await api.CreatePaymentIntentAsync(Create(), "k-decline-create", default);

        var act = () => api.ConfirmPaymentIntentAsync(intent.Id, "pm_card_chargeDeclinedInsufficientFunds", "k-decline", default);

        var error = (await act.Should().ThrowAsync<StripeApiException>()).Which;
        error.StatusCode.Should().Be(402);
        error.Type.Should().Be("card_error");
        error.IsCardError.Should().BeTrue();
        error.Code.Should().Be("card_declined");
        error.DeclineCode.Should().Be("insufficient_funds");
        error.RequestId.Should().StartWith("req_");
        error.PaymentIntent!.Status.Should().Be("requires_payment_method");
        error.PaymentIntent.LastPaymentError!.DeclineCode.Should().Be("insufficient_funds");
        // 4xx are Stripe's final word: never retried.
        _stripe.CallsTo("POST", "/confirm").Should().ContainSingle();
    }

    [Fact]
    public async Task An_invalid_request_maps_400_with_param_and_is_not_retried()
    {
        var act = () => Api().CreatePaymentIntentAsync(Create(amount: 10), "k-small", default);

        var error = (await act.Should().ThrowAsync<StripeApiException>()).Which;
        error.StatusCode.Should().Be(400);
        error.Type.Should().Be("invalid_request_error");
        error.Code.Should().Be("amount_too_small");
        error.Param.Should().Be("amount");
        error.IsUpstreamFailure.Should().BeFalse();
        _stripe.CallsTo("POST", "/v1/payment_intents").Should().ContainSingle();
    }

    [Fact]
    public async Task A_wrong_secret_key_maps_401_and_is_not_retried()
    {
        var act = () => Api(secretKey: "sk_test_wrong").RetrievePaymentIntentAsync("pi_123", default);

        var error = (await act.Should().ThrowAsync<StripeApiException>()).Which;
        error.StatusCode.Should().Be(401);
        error.Type.Should().Be("invalid_request_error");
        error.IsUpstreamFailure.Should().BeTrue();
        _stripe.Calls.Should().ContainSingle();
    }

    [Fact]
    public async Task Rate_limited_429_is_retried_with_the_same_idempotency_key_and_then_succeeds()
    {
        _stripe.FailNext("/v1/payment_intents", 429, "invalid_request_error", "rate_limit");

        var intent = await Api().CreatePaymentIntentAsync(Create(), "payment-429-create", default);

        intent.Status.Should().Be("requires_payment_method");
        var calls = _stripe.CallsTo("POST", "/v1/payment_intents");
        calls.Should().HaveCount(2);
        // Stripe idempotency: a retry must reuse the key so Stripe performs the operation at most once.
        calls.Select(c => c.IdempotencyKey).Should().AllBe("payment-429-create");
        calls[0].RawBody.Should().Be(calls[1].RawBody);
        _stripe.IntentCount.Should().Be(1);
    }

    [Fact]
    public async Task Server_errors_are_retried_a_bounded_number_of_times_then_surface()
    {
        _stripe.FailNext("/v1/payment_intents", 500, "api_error", times: 5);

        var act = () => Api(maxRetries: 2).CreatePaymentIntentAsync(Create(), "payment-500-create", default);

        var error = (await act.Should().ThrowAsync<StripeApiException>()).Which;
        error.StatusCode.Should().Be(500);
        error.Type.Should().Be("api_error");
        error.IsUpstreamFailure.Should().BeTrue();
        var calls = _stripe.CallsTo("POST", "/v1/payment_intents");
        calls.Should().HaveCount(3, "one attempt and two retries");
        calls.Select(c => c.IdempotencyKey).Should().AllBe("payment-500-create");
        _stripe.IntentCount.Should().Be(0);
    }

    [Fact]
    public async Task A_repeated_post_with_the_same_key_is_answered_with_the_same_object()
    {
        // Stripe idempotency: same key and parameters → the saved result, not a second intent.
        var api = Api();
        var first = await api.CreatePaymentIntentAsync(Create(), "payment-same-create", default);
        var second = await api.CreatePaymentIntentAsync(Create(), "payment-same-create", default);

        second.Id.Should().Be(first.Id);
        _stripe.IntentCount.Should().Be(1);
    }

    [Fact]
    public async Task Unreachable_stripe_is_an_api_connection_error_after_the_retries()
    {
        var closed = new Uri($"http://127.0.0.1:{TestSupport.FreeTcpPort.Next()}");
        var api = new StripeApi(_http, Options.Create(new StripeOptions { BaseUrl = closed, SecretKey = "sk_test_x", MaxRetries = 1, RetryDelay = TimeSpan.Zero }),
            TimeProvider.System, NullLogger<StripeApi>.Instance);

        var act = () => api.RetrievePaymentIntentAsync("pi_1", default);

        var error = (await act.Should().ThrowAsync<StripeApiException>()).Which;
        error.StatusCode.Should().BeNull();
        error.Type.Should().Be(StripeApiException.ConnectionErrorType);
        error.IsUpstreamFailure.Should().BeTrue();
    }

    [Fact]
    public void Form_encoding_escapes_values_and_keeps_brackets_in_keys()
    {
        var body = new StripeForm()
            .Add("description", "a&b=c d+é")
            .AddMap("metadata", new Dictionary<string, string> { ["k[x]"] = "v/1" })
            .Add("amount", 12L)
            .Add("skipped", (string?)null)
            .Encode();

        body.Should().Be("description=a%26b%3Dc%20d%2B%C3%A9&metadata[k[x]]=v%2F1&amount=12");
        FakeStripe.ParseForm(body).Should().Equal(new Dictionary<string, string>
        {
            ["description"] = "a&b=c d+é", ["metadata[k[x]]"] = "v/1", ["amount"] = "12",
        });
    }
}
