using System.Net.Http.Json;
using System.Net.Http.Headers;

namespace DaprPlatform.DevHost.Tests.Stripe;

/// <summary>
/// The stand-in answers as Stripe's API reference documents it (docs.stripe.com/api: "Authentication", "Errors",
/// "PaymentIntents", "Refunds", "Customers") and its test payment methods behave as "Testing" describes; each test
/// names the rule it checks.
/// </summary>
public sealed class StripeApiTests : IAsyncLifetime
{
    private StripeStandInHarness _stripe = null!;

    public async Task InitializeAsync() => _stripe = await StripeStandInHarness.StartAsync(webhooks: false);

    public async Task DisposeAsync() => await _stripe.DisposeAsync();

    [Fact]
    public async Task Authentication_accepts_a_test_secret_key_as_bearer_token_or_basic_user_name()
    {
        var intent = await _stripe.CreateIntentAsync();
        using var basic = new HttpRequestMessage(HttpMethod.Get, $"/v1/payment_intents/{intent.GetProperty("id").GetString()}");
        // Authentication: "provide your API key as the basic auth username value. You do not need to provide a password."
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_stripe.StandIn.Options.SecretKey + ":")));
        using var response = await _stripe.Client.SendAsync(basic);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.ReadJsonAsync()).GetProperty("id").GetString().Should().Be(intent.GetProperty("id").GetString());
    }

    public static TheoryData<string?> RefusedAuthorizations() => [null, "Bearer sk_live_0123456789abcdef", "Bearer pk_test_0123456789abcdef", "Token sk_test_abc"];

    [Theory]
    [MemberData(nameof(RefusedAuthorizations))]
    public async Task A_missing_or_unusable_key_is_401_with_an_invalid_request_error(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/customers/cus_any");
        request.Headers.TryAddWithoutValidation("Authorization", authorization ?? "");
        if (authorization is null) { request.Headers.Remove("Authorization"); }
        using var client = new HttpClient { BaseAddress = _stripe.StandIn.BaseUrl };

        using var response = await client.SendAsync(request);

        // Errors: 401 Unauthorized "No valid API key provided", with the error object.
        var error = await response.ShouldBeStripeErrorAsync(HttpStatusCode.Unauthorized, "invalid_request_error");
        error.GetProperty("message").GetString().Should().NotContain("0123456789abcdef", "Stripe never echoes a whole key");
    }

    [Fact]
    public async Task Creating_a_payment_intent_answers_the_PaymentIntent_object_in_requires_payment_method()
    {
        using var response = await _stripe.PostAsync("/v1/payment_intents",
        [
            ("amount", "2500"), ("currency", "usd"), ("description", "Lesson"), ("metadata[booking_id]", "b-1"), ("metadata[payment_id]", "p-1"),
            ("automatic_payment_methods[enabled]", "true"), ("automatic_payment_methods[allow_redirects]", "never"),
        ]);

        // PaymentIntent object: id pi_…, object, amount, currency, status, client_secret, metadata, livemode false, created in unix seconds.
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Request-Id").Single().Should().MatchRegex("^req_[A-Za-z0-9]+$");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var intent = await response.ReadJsonAsync();
        var id = intent.GetProperty("id").GetString()!;
        id.Should().StartWith("pi_");
        intent.GetProperty("object").GetString().Should().Be("payment_intent");
        intent.GetProperty("amount").GetInt64().Should().Be(2500);
        intent.GetProperty("amount_received").GetInt64().Should().Be(0);
        intent.GetProperty("currency").GetString().Should().Be("usd");
        intent.GetProperty("status").GetString().Should().Be("requires_payment_method");
        intent.GetProperty("client_secret").GetString().Should().StartWith(id + "_secret_");
        intent.GetProperty("livemode").GetBoolean().Should().BeFalse();
        intent.GetProperty("created").GetInt64().Should().BeCloseTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 60);
        intent.GetProperty("metadata").GetProperty("booking_id").GetString().Should().Be("b-1");
        intent.GetProperty("metadata").GetProperty("payment_id").GetString().Should().Be("p-1");
        intent.GetProperty("automatic_payment_methods").GetProperty("allow_redirects").GetString().Should().Be("never");
        intent.GetProperty("latest_charge").ValueKind.Should().Be(JsonValueKind.Null);

        var fetched = await _stripe.GetJsonAsync($"/v1/payment_intents/{id}");
        fetched.GetProperty("id").GetString().Should().Be(id);
        fetched.GetProperty("description").GetString().Should().Be("Lesson");
    }

    public static TheoryData<string, string, string, string> BadCreateParameters() => new()
    {
        // Errors: invalid_request_error with param naming the parameter.
        { "amount=2000&currency=usd&colour=red", "colour", "parameter_unknown", "an unknown parameter" },
        { "amount=2000&currency=usd&automatic_payment_methods[enabled]=true&automatic_payment_methods[foo]=1", "automatic_payment_methods[foo]", "parameter_unknown", "an unknown nested parameter" },
        { "currency=usd", "amount", "parameter_missing", "no amount" },
        { "amount=2000", "currency", "parameter_missing", "no currency" },
        { "amount=ten&currency=usd", "amount", "parameter_invalid_integer", "a non-integer amount" },
        // Supported currencies: minimum charge amounts ($0.50 usd, ¥50 jpy — jpy is zero-decimal, so 49 means ¥49).
        { "amount=49&currency=usd", "amount", "amount_too_small", "49 cents" },
        { "amount=49&currency=jpy", "amount", "amount_too_small", "49 yen" },
        { "amount=100000000&currency=usd", "amount", "amount_too_large", "nine digits" },
        { "amount=1005&currency=kwd", "amount", "invalid_amount", "a three-decimal amount not ending in 0" },
    };

    [Theory]
    [MemberData(nameof(BadCreateParameters))]
    public async Task Bad_parameters_are_400_invalid_request_error_naming_the_param(string form, string param, string code, string because)
    {
        using var response = await _stripe.PostAsync("/v1/payment_intents", Pairs(form));

        await response.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", code, param);
        _ = because;
    }

    [Fact]
    public async Task An_unsupported_or_upper_case_currency_is_invalid()
    {
        // Supported currencies: "You must use all lowercase letters when passing the three-letter ISO code".
        foreach (var currency in new[] { "USD", "xyz" })
        {
            using var response = await _stripe.PostAsync("/v1/payment_intents", [("amount", "2000"), ("currency", currency)]);
            await response.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", param: "currency");
        }
    }

    [Fact]
    public async Task Zero_decimal_amounts_are_whole_units()
    {
        // Zero-decimal currencies: amount 500 charges ¥500, which is above the ¥50 minimum.
        var intent = await _stripe.CreateAsync("/v1/payment_intents", ("amount", "500"), ("currency", "jpy"), ("automatic_payment_methods[enabled]", "true"), ("automatic_payment_methods[allow_redirects]", "never"));

        intent.GetProperty("amount").GetInt64().Should().Be(500);
        intent.GetProperty("currency").GetString().Should().Be("jpy");
    }

    [Theory]
    [InlineData("pm_card_visa", "visa", "4242")]
    [InlineData("pm_card_mastercard", "mastercard", "4444")]
    public async Task Confirming_with_a_succeeding_test_card_succeeds_with_a_charge(string paymentMethod, string brand, string last4)
    {
        var intent = await _stripe.CreateIntentAsync();
        var id = intent.GetProperty("id").GetString()!;

        using var response = await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", paymentMethod), ("expand[]", "latest_charge")]);

        // Testing: pm_card_visa / pm_card_mastercard succeed; the intent is succeeded with amount_received and latest_charge.
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var confirmed = await response.ReadJsonAsync();
        confirmed.GetProperty("status").GetString().Should().Be("succeeded");
        confirmed.GetProperty("amount_received").GetInt64().Should().Be(2000);
        confirmed.GetProperty("payment_method").GetString().Should().StartWith("pm_").And.NotBe(paymentMethod, "test mode creates a PaymentMethod for the card");
        var charge = confirmed.GetProperty("latest_charge");
        charge.GetProperty("id").GetString().Should().StartWith("ch_");
        charge.GetProperty("object").GetString().Should().Be("charge");
        charge.GetProperty("status").GetString().Should().Be("succeeded");
        charge.GetProperty("paid").GetBoolean().Should().BeTrue();
        charge.GetProperty("amount_refunded").GetInt64().Should().Be(0);
        charge.GetProperty("payment_intent").GetString().Should().Be(id);
        charge.GetProperty("payment_method_details").GetProperty("card").GetProperty("brand").GetString().Should().Be(brand);
        charge.GetProperty("payment_method_details").GetProperty("card").GetProperty("last4").GetString().Should().Be(last4);

        var unexpanded = await _stripe.GetJsonAsync($"/v1/payment_intents/{id}");
        unexpanded.GetProperty("latest_charge").GetString().Should().Be(charge.GetProperty("id").GetString(), "without expand[] a related object is its id");
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "card_declined", "generic_decline")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds")]
    [InlineData("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card")]
    public async Task A_declining_test_card_is_402_card_error_and_the_intent_wants_a_new_payment_method(string paymentMethod, string code, string declineCode)
    {
        var id = (await _stripe.CreateIntentAsync()).GetProperty("id").GetString()!;

        using var response = await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", paymentMethod)]);

        // Errors: 402 Request Failed, type card_error with code and decline_code; the error carries the failed charge and the PaymentIntent.
        var error = await response.ShouldBeStripeErrorAsync(HttpStatusCode.PaymentRequired, "card_error", code);
        error.GetProperty("decline_code").GetString().Should().Be(declineCode);
        error.GetProperty("charge").GetString().Should().StartWith("ch_");
        error.GetProperty("payment_intent").GetProperty("id").GetString().Should().Be(id);
        var intent = await _stripe.GetJsonAsync($"/v1/payment_intents/{id}");
        // PaymentIntents: "If payment fails, the PaymentIntent transitions to requires_payment_method", with last_payment_error.
        intent.GetProperty("status").GetString().Should().Be("requires_payment_method");
        intent.GetProperty("last_payment_error").GetProperty("decline_code").GetString().Should().Be(declineCode);
        intent.GetProperty("last_payment_error").GetProperty("type").GetString().Should().Be("card_error");
        var charge = await _stripe.GetJsonAsync($"/v1/charges/{error.GetProperty("charge").GetString()}");
        charge.GetProperty("status").GetString().Should().Be("failed");
        charge.GetProperty("failure_code").GetString().Should().Be(code);

        // A new payment method may be tried on the same intent.
        using var retry = await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_visa")]);
        (await retry.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("succeeded");
    }

    [Fact]
    public async Task Creating_with_confirm_true_and_a_payment_method_processes_at_once()
    {
        var intent = await _stripe.CreateIntentAsync(("payment_method", "pm_card_visa"), ("confirm", "true"));

        // PaymentIntents create: confirm=true confirms immediately, as a separate confirm call would.
        intent.GetProperty("status").GetString().Should().Be("succeeded");
        intent.GetProperty("latest_charge").GetString().Should().StartWith("ch_");
    }

    [Fact]
    public async Task Creating_with_confirm_true_and_a_declining_card_is_402_and_leaves_the_intent_behind()
    {
        using var response = await _stripe.PostAsync("/v1/payment_intents",
            [("amount", "2000"), ("currency", "usd"), ("automatic_payment_methods[enabled]", "true"), ("automatic_payment_methods[allow_redirects]", "never"), ("payment_method", "pm_card_chargeDeclined"), ("confirm", "true")]);

        // The decline is the request's answer (402 card_error); the PaymentIntent it created is in the error and can be retrieved.
        var error = await response.ShouldBeStripeErrorAsync(HttpStatusCode.PaymentRequired, "card_error", "card_declined");
        var id = error.GetProperty("payment_intent").GetProperty("id").GetString();
        (await _stripe.GetJsonAsync($"/v1/payment_intents/{id}")).GetProperty("status").GetString().Should().Be("requires_payment_method");
    }

    [Fact]
    public async Task Answers_are_rendered_in_the_requested_api_version_else_the_accounts()
    {
        var id = (await _stripe.CreateIntentAsync()).GetProperty("id").GetString();
        using var pinned = new HttpRequestMessage(HttpMethod.Get, $"/v1/payment_intents/{id}");
        pinned.Headers.Add("Stripe-Version", "2024-06-20");
        using var withVersion = await _stripe.Client.SendAsync(pinned);
        using var withoutVersion = await _stripe.Client.GetAsync($"/v1/payment_intents/{id}");

        // Versioning: a request's Stripe-Version header wins over the account's default version (Stripe.net's pinned one).
        withVersion.Headers.GetValues("Stripe-Version").Single().Should().Be("2024-06-20");
        withoutVersion.Headers.GetValues("Stripe-Version").Single().Should().Be("2026-10-28.endive");
        // 2025-03-31.basil removed invoice from PaymentIntent (changelog "Remove invoice from PaymentIntent and Charge").
        (await withVersion.ReadJsonAsync()).TryGetProperty("invoice", out _).Should().BeTrue();
        (await withoutVersion.ReadJsonAsync()).TryGetProperty("invoice", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("2026-10-28")]
    [InlineData("2025-01-27.basil")]
    [InlineData("2027-01-01.endive")]
    [InlineData("latest")]
    [InlineData("2023-10-16")]
    public async Task An_api_version_that_does_not_exist_or_is_older_than_the_stand_in_renders_is_400(string version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/customers/cus_unknown");
        request.Headers.Add("Stripe-Version", version);

        using var response = await _stripe.Client.SendAsync(request);

        // Versioning: versions are dates, from 2024-09-30 with the name of the release line the date belongs to.
        var error = await response.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error");
        error.GetProperty("message").GetString().Should().Contain(version);
    }

    [Theory]
    [InlineData("rate_limit", null)]
    [InlineData("lock_timeout", "true")]
    public async Task The_throttle_answers_the_next_requests_429_as_stripe_does_then_lets_them_through(string code, string? shouldRetry)
    {
        using (var set = await _stripe.Client.PostAsJsonAsync("/standin/throttle", new { requests = 2, code }))
        {
            set.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var first = await _stripe.PostAsync("/v1/customers", [("email", "a@example.com")], idempotencyKey: "throttled-1");
        using var second = await _stripe.Client.GetAsync("/v1/customers/cus_unknown");
        using var third = await _stripe.PostAsync("/v1/customers", [("email", "a@example.com")], idempotencyKey: "throttled-1");

        // Rate limits: 429 with the error object; only lock timeouts carry Stripe-Should-Retry: true (Stripe's libraries retry those).
        foreach (var refused in new[] { first, second })
        {
            await refused.ShouldBeStripeErrorAsync(HttpStatusCode.TooManyRequests, "invalid_request_error", code);
            (refused.Headers.TryGetValues("Stripe-Should-Retry", out var advice) ? advice.Single() : null).Should().Be(shouldRetry);
        }

        // A refused request did not run, so its Idempotency-Key is still fresh.
        third.StatusCode.Should().Be(HttpStatusCode.OK);
        third.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        var view = await _stripe.GetJsonAsync("/standin/throttle");
        view.GetProperty("remaining").GetInt32().Should().Be(0);
        view.GetProperty("refused").GetInt32().Should().Be(2);
    }

    [Theory]
    [InlineData("""{"requests":-1}""", "requests")]
    [InlineData("""{"requests":1,"code":"api_error"}""", "code")]
    [InlineData("""{}""", "requests")]
    public async Task The_throttle_refuses_what_it_cannot_do(string body, string field)
    {
        using var response = await _stripe.Client.PostAsync("/standin/throttle", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task Lists_and_nested_hashes_are_read_in_bracket_notation()
    {
        // Making requests: nested parameters a[b][c], lists numbered a[0] (as Stripe.net sends them) or a[].
        var customer = await _stripe.CreateAsync("/v1/customers");
        var intent = await _stripe.CreateIntentAsync(("customer", customer.GetProperty("id").GetString()!), ("expand[0]", "customer"), ("expand[1]", "latest_charge"));

        intent.GetProperty("customer").GetProperty("object").GetString().Should().Be("customer");
        using var mixed = await _stripe.PostAsync("/v1/customers", [("metadata[a]", "1"), ("metadata[a][b]", "2")]);
        await mixed.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", param: "metadata[a][b]");
    }

    [Fact]
    public async Task Confirming_a_succeeded_or_canceled_intent_is_400_payment_intent_unexpected_state()
    {
        var succeeded = (await _stripe.CreateIntentAsync(("payment_method", "pm_card_visa"), ("confirm", "true"))).GetProperty("id").GetString();
        var canceled = (await _stripe.CreateIntentAsync()).GetProperty("id").GetString();
        (await _stripe.PostAsync($"/v1/payment_intents/{canceled}/cancel", [])).StatusCode.Should().Be(HttpStatusCode.OK);

        // Error codes: payment_intent_unexpected_state — the intent's status does not allow the operation.
        foreach (var id in new[] { succeeded, canceled })
        {
            using var response = await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_visa")]);
            var error = await response.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "payment_intent_unexpected_state");
            error.GetProperty("payment_intent").GetProperty("id").GetString().Should().Be(id);
        }
    }

    [Fact]
    public async Task Confirming_with_redirects_allowed_and_no_return_url_is_refused()
    {
        var id = (await _stripe.CreateAsync("/v1/payment_intents", ("amount", "2000"), ("currency", "usd"))).GetProperty("id").GetString();

        // automatic_payment_methods is on by default; redirect-based methods need return_url unless allow_redirects=never.
        using var response = await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_visa")]);
        await response.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error");

        using var withReturnUrl = await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_visa"), ("return_url", "https://example.test/done")]);
        (await withReturnUrl.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("succeeded");
    }

    [Fact]
    public async Task An_unknown_payment_method_is_400_resource_missing()
    {
        var id = (await _stripe.CreateIntentAsync()).GetProperty("id").GetString();

        using var response = await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_nonsense")]);

        // A missing object named by a parameter: 400 resource_missing with that param.
        await response.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "resource_missing", "payment_method");
    }

    [Fact]
    public async Task Canceling_sets_canceled_with_the_reason_and_is_refused_once_succeeded()
    {
        var id = (await _stripe.CreateIntentAsync()).GetProperty("id").GetString();

        using var cancel = await _stripe.PostAsync($"/v1/payment_intents/{id}/cancel", [("cancellation_reason", "abandoned")]);

        // Cancel: status canceled, canceled_at and cancellation_reason set.
        var canceled = await cancel.ReadJsonAsync();
        canceled.GetProperty("status").GetString().Should().Be("canceled");
        canceled.GetProperty("cancellation_reason").GetString().Should().Be("abandoned");
        canceled.GetProperty("canceled_at").GetInt64().Should().BePositive();

        // "You cannot cancel the PaymentIntent once it succeeded" → payment_intent_unexpected_state.
        var succeeded = (await _stripe.CreateIntentAsync(("payment_method", "pm_card_visa"), ("confirm", "true"))).GetProperty("id").GetString();
        using var refused = await _stripe.PostAsync($"/v1/payment_intents/{succeeded}/cancel", []);
        await refused.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "payment_intent_unexpected_state");

        using var badReason = await _stripe.PostAsync($"/v1/payment_intents/{id}/cancel", [("cancellation_reason", "bored")]);
        await badReason.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", param: "cancellation_reason");
    }

    [Fact]
    public async Task Refunds_may_be_partial_up_to_what_is_left_and_update_the_charge()
    {
        var intent = await _stripe.CreateIntentAsync(("payment_method", "pm_card_visa"), ("confirm", "true"));
        var id = intent.GetProperty("id").GetString()!;
        var chargeId = intent.GetProperty("latest_charge").GetString();

        var partial = await _stripe.CreateAsync("/v1/refunds", ("payment_intent", id), ("amount", "500"), ("reason", "requested_by_customer"), ("metadata[booking_id]", "b-9"));

        // Refund object: re_…, amount, charge, payment_intent, status succeeded; the charge's amount_refunded grows.
        partial.GetProperty("id").GetString().Should().StartWith("re_");
        partial.GetProperty("object").GetString().Should().Be("refund");
        partial.GetProperty("amount").GetInt64().Should().Be(500);
        partial.GetProperty("status").GetString().Should().Be("succeeded");
        partial.GetProperty("charge").GetString().Should().Be(chargeId);
        partial.GetProperty("payment_intent").GetString().Should().Be(id);
        partial.GetProperty("reason").GetString().Should().Be("requested_by_customer");
        partial.GetProperty("metadata").GetProperty("booking_id").GetString().Should().Be("b-9");
        var charge = await _stripe.GetJsonAsync($"/v1/charges/{chargeId}");
        charge.GetProperty("amount_refunded").GetInt64().Should().Be(500);
        charge.GetProperty("refunded").GetBoolean().Should().BeFalse();
        (await _stripe.GetJsonAsync($"/v1/refunds/{partial.GetProperty("id").GetString()}")).GetProperty("amount").GetInt64().Should().Be(500);

        // More than is left: 400 naming amount.
        using var tooMuch = await _stripe.PostAsync("/v1/refunds", [("payment_intent", id), ("amount", "1501")]);
        await tooMuch.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", param: "amount");

        // Without amount: "defaults to the entire (remaining) charge amount".
        var rest = await _stripe.CreateAsync("/v1/refunds", ("payment_intent", id));
        rest.GetProperty("amount").GetInt64().Should().Be(1500);
        (await _stripe.GetJsonAsync($"/v1/charges/{chargeId}")).GetProperty("refunded").GetBoolean().Should().BeTrue();
        (await _stripe.GetJsonAsync($"/v1/payment_intents/{id}")).GetProperty("status").GetString().Should().Be("succeeded", "a refund does not change the intent's status");

        using var again = await _stripe.PostAsync("/v1/refunds", [("payment_intent", id)]);
        await again.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "charge_already_refunded");
    }

    [Fact]
    public async Task A_refund_needs_a_succeeded_payment()
    {
        var id = (await _stripe.CreateIntentAsync()).GetProperty("id").GetString()!;

        using var notPaid = await _stripe.PostAsync("/v1/refunds", [("payment_intent", id)]);
        using var neither = await _stripe.PostAsync("/v1/refunds", [("amount", "100")]);
        using var unknown = await _stripe.PostAsync("/v1/refunds", [("payment_intent", "pi_unknown")]);

        await notPaid.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", param: "payment_intent");
        await neither.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "parameter_missing");
        await unknown.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "resource_missing", "payment_intent");
    }

    [Fact]
    public async Task Customers_are_created_and_retrieved_and_can_own_intents()
    {
        var customer = await _stripe.CreateAsync("/v1/customers", ("email", "ann@example.test"), ("name", "Ann"), ("metadata[student_id]", "s-1"));

        // Customer object: cus_…, email, name, metadata.
        var id = customer.GetProperty("id").GetString()!;
        id.Should().StartWith("cus_");
        customer.GetProperty("object").GetString().Should().Be("customer");
        var fetched = await _stripe.GetJsonAsync($"/v1/customers/{id}");
        fetched.GetProperty("email").GetString().Should().Be("ann@example.test");
        fetched.GetProperty("metadata").GetProperty("student_id").GetString().Should().Be("s-1");

        var intent = await _stripe.CreateIntentAsync(("customer", id), ("expand[]", "customer"));
        intent.GetProperty("customer").GetProperty("id").GetString().Should().Be(id);

        using var unknown = await _stripe.PostAsync("/v1/payment_intents", [("amount", "2000"), ("currency", "usd"), ("customer", "cus_nobody")]);
        await unknown.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "resource_missing", "customer");
        using var badEmail = await _stripe.PostAsync("/v1/customers", [("email", "not-an-address")]);
        await badEmail.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", "email_invalid", "email");
    }

    [Theory]
    [InlineData("/v1/payment_intents/pi_missing", "intent")]
    [InlineData("/v1/refunds/re_missing", "refund")]
    [InlineData("/v1/customers/cus_missing", "customer")]
    [InlineData("/v1/charges/ch_missing", "charge")]
    [InlineData("/v1/events/evt_missing", "id")]
    public async Task An_unknown_id_is_404_resource_missing(string path, string param)
    {
        using var response = await _stripe.Client.GetAsync(path);

        // Errors: 404 Not Found "The requested resource doesn't exist", code resource_missing.
        var error = await response.ShouldBeStripeErrorAsync(HttpStatusCode.NotFound, "invalid_request_error", "resource_missing", param);
        error.GetProperty("message").GetString().Should().Contain(path.Split('/')[^1]);
    }

    [Fact]
    public async Task An_unknown_url_is_404_and_a_json_body_is_refused()
    {
        using var unknown = await _stripe.Client.GetAsync("/v1/quotes/qt_1");
        await unknown.ShouldBeStripeErrorAsync(HttpStatusCode.NotFound, "invalid_request_error");

        // Making requests: the v1 API takes form-encoded bodies.
        using var json = await _stripe.Client.PostAsync("/v1/customers", new StringContent("{\"email\":\"a@b.test\"}", Encoding.UTF8, "application/json"));
        await json.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error");
    }

    internal static IEnumerable<(string Name, string Value)> Pairs(string form) => form.Split('&').Select(p => p.Split('=', 2)).Select(p => (p[0], p[1]));
}
