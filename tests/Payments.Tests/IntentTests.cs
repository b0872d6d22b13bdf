using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Payments.Domain;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

public sealed class IntentTests(PaymentsFixture fx) : IClassFixture<PaymentsFixture>
{
    private static Guid Id(JsonElement payment) => payment.GetProperty("paymentId").GetGuid();

    private static string IntentId(JsonElement payment) => payment.GetProperty("paymentIntentId").GetString()!;

    private static string Status(JsonElement payment) => payment.GetProperty("status").GetString()!;

    [Fact]
    public async Task Create_makes_one_stripe_intent_per_booking_and_repeats_answer_the_same()
    {
        var booking = Guid.NewGuid();
        var student = Guid.NewGuid();
        using var app = fx.App();

        using var first = await app.PostAsJsonAsync("/internal/payments/intents", PaymentsFixture.IntentRequest(booking, student, 4599));
        using var second = await app.PostAsJsonAsync("/internal/payments/intents", PaymentsFixture.IntentRequest(booking, student, 4599));

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        var created = await first.Content.ReadFromJsonAsync<JsonElement>();
        var repeated = await second.Content.ReadFromJsonAsync<JsonElement>();
        first.Headers.Location!.ToString().Should().Be($"/api/payments/{Id(created)}");
        repeated.GetRawText().Should().Be(created.GetRawText());
        Id(created).Should().Be(Payment.IdFor(booking));
        created.GetProperty("bookingId").GetGuid().Should().Be(booking);
        created.GetProperty("studentId").GetGuid().Should().Be(student);
        created.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(4599);
        created.GetProperty("amount").GetProperty("currency").GetString().Should().Be("USD");
        created.GetProperty("refunded").GetProperty("amount").GetInt64().Should().Be(0);
        Status(created).Should().Be("requiresPayment");
        created.GetProperty("clientSecret").GetString().Should().StartWith(IntentId(created) + "_secret_");

        var creates = fx.Stripe.CallsTo("POST", "/v1/payment_intents").Where(c => c.Form.GetValueOrDefault("metadata[booking_id]") == booking.ToString()).ToList();
        var call = creates.Should().ContainSingle().Subject;
        call.IdempotencyKey.Should().Be($"payment-{Id(created)}-create");
        call.Form.Should().Contain(new Dictionary<string, string>
        {
            ["amount"] = "4599",
            ["currency"] = "usd",
            ["description"] = "Tutoring session",
            ["metadata[booking_id]"] = booking.ToString(),
            ["metadata[payment_id]"] = Id(created).ToString(),
            ["metadata[student_id]"] = student.ToString(),
            ["metadata[workflow_instance_id]"] = $"booking-{booking:N}",
            ["automatic_payment_methods[enabled]"] = "true",
            ["automatic_payment_methods[allow_redirects]"] = "never",
        });
        call.Form["customer"].Should().StartWith("cus_");
    }

    [Fact]
    public async Task Concurrent_creates_for_one_booking_end_with_one_payment_and_one_intent()
    {
        var booking = Guid.NewGuid();
        var student = Guid.NewGuid();
        using var app = fx.App();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.PostAsJsonAsync("/internal/payments/intents", PaymentsFixture.IntentRequest(booking, student))));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.OK);
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        bodies.Select(IntentId).Distinct().Should().ContainSingle();
        (await fx.Factory.WithDbAsync(db => Task.FromResult(db.Payments.Count(p => p.BookingId == booking)))).Should().Be(1);
        fx.Stripe.Calls.Where(c => c.Path == "/v1/customers" && c.Form.GetValueOrDefault("metadata[student_id]") == student.ToString())
            .Select(c => c.IdempotencyKey).Distinct().Should().ContainSingle();
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task A_student_gets_one_stripe_customer_created_on_the_first_payment()
    {
        var student = Guid.NewGuid();

        var a = await fx.CreatePaymentAsync(student);
        var b = await fx.CreatePaymentAsync(student);

        var customerCalls = fx.Stripe.CallsTo("POST", "/v1/customers").Where(c => c.Form.GetValueOrDefault("metadata[student_id]") == student.ToString()).ToList();
        customerCalls.Should().ContainSingle().Which.IdempotencyKey.Should().Be($"student-{student:N}-customer");
        var customers = new[] { a, b }.Select(p => fx.Stripe.Intent(IntentId(p))["customer"]!.GetValue<string>()).ToList();
        customers.Distinct().Should().ContainSingle();
        (await fx.Factory.WithDbAsync(db => Task.FromResult(db.StripeCustomers.Single(c => c.StudentId == student).CustomerId))).Should().Be(customers[0]);
    }

    [Fact]
    public async Task The_same_booking_with_another_amount_is_a_conflict()
    {
        var booking = Guid.NewGuid();
        var student = Guid.NewGuid();
        await fx.CreatePaymentAsync(student, 4500, booking);
        using var app = fx.App();

        using var response = await app.PostAsJsonAsync("/internal/payments/intents", PaymentsFixture.IntentRequest(booking, student, 9000));

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task Stripe_failing_on_create_answers_502_and_writes_no_payment()
    {
        var student = Guid.NewGuid();
        fx.Stripe.FailNext("/v1/customers", 503, "api_error", times: 3);
        var before = await fx.CountsAsync();
        using var app = fx.App();

        using var response = await app.PostAsJsonAsync("/internal/payments/intents", PaymentsFixture.IntentRequest(Guid.NewGuid(), student));

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        await response.ReadProblemAsync();
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Internal_routes_refuse_calls_that_did_not_come_through_a_sidecar_or_came_through_the_gateway()
    {
        var payment = await fx.CreatePaymentAsync();
        var routes = new[] { "/internal/payments/intents", $"/internal/payments/{Id(payment)}/refund", $"/internal/payments/{Id(payment)}/void" };
        var before = await fx.CountsAsync();

        foreach (var route in routes)
        {
            // Invocation-only routes need the dapr-caller-app-id header every sidecar stamps; a user token is not enough.
            using var student = fx.Student(payment.GetProperty("studentId").GetGuid());
            using var direct = await student.PostAsJsonAsync(route, PaymentsFixture.IntentRequest(Guid.NewGuid(), Guid.NewGuid()));
            direct.StatusCode.Should().Be(HttpStatusCode.Forbidden, route);
            await direct.ReadProblemAsync();

            using var viaGateway = fx.Factory.CreateAppClient("gateway");
            using var relayed = await viaGateway.PostAsJsonAsync(route, PaymentsFixture.IntentRequest(Guid.NewGuid(), Guid.NewGuid()));
            relayed.StatusCode.Should().Be(HttpStatusCode.Forbidden, route);
        }

        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Public_routes_need_a_token()
    {
        var payment = await fx.CreatePaymentAsync();
        using var anonymous = fx.Factory.CreateClient();

        (await anonymous.GetAsync($"/api/payments/{Id(payment)}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/payments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_card_visa" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_payment_is_visible_to_its_student_and_admins_only()
    {
        var student = Guid.NewGuid();
        var payment = await fx.CreatePaymentAsync(student);
        using var owner = fx.Student(student);
        using var other = fx.Student(Guid.NewGuid());
        using var admin = fx.Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Admin);

        var mine = await owner.GetFromJsonAsync<JsonElement>($"/api/payments/{Id(payment)}");
        using var hidden = await other.GetAsync($"/api/payments/{Id(payment)}");
        using var missing = await owner.GetAsync($"/api/payments/{Guid.NewGuid()}");
        var asAdmin = await admin.GetFromJsonAsync<JsonElement>($"/api/payments/{Id(payment)}");

        mine.GetProperty("clientSecret").GetString().Should().Be(payment.GetProperty("clientSecret").GetString());
        hidden.StatusCode.Should().Be(HttpStatusCode.NotFound);
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        // Not yours and not there read the same, so payment ids cannot be probed.
        (await hidden.ReadProblemAsync()).GetProperty("title").GetString().Should().Be((await missing.ReadProblemAsync()).GetProperty("title").GetString());
        Id(asAdmin).Should().Be(Id(payment));
        asAdmin.TryGetProperty("clientSecret", out _).Should().BeFalse("the client secret is only for the paying student");
    }

    [Fact]
    public async Task The_list_is_the_callers_own_payments_newest_first_and_paged()
    {
        var student = Guid.NewGuid();
        var first = await fx.CreatePaymentAsync(student);
        var second = await fx.CreatePaymentAsync(student);
        var third = await fx.CreatePaymentAsync(student);
        await fx.CreatePaymentAsync();
        using var client = fx.Student(student);

        var page1 = await client.GetFromJsonAsync<JsonElement>("/api/payments?page=1&pageSize=2");
        var page2 = await client.GetFromJsonAsync<JsonElement>("/api/payments?page=2&pageSize=2");

        page1.GetProperty("total").GetInt32().Should().Be(3);
        page1.GetProperty("items").EnumerateArray().Select(Id).Should().Equal(Id(third), Id(second));
        page2.GetProperty("items").EnumerateArray().Select(Id).Should().Equal(Id(first));
        page1.GetProperty("items")[0].TryGetProperty("clientSecret", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Confirming_with_a_good_card_succeeds_and_publishes_payment_succeeded_once()
    {
        var student = Guid.NewGuid();
        var payment = await fx.CreatePaymentAsync(student);
        using var client = fx.Student(student);

        using var response = await client.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_card_visa" });
        using var again = await client.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_card_visa" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Status(await response.Content.ReadFromJsonAsync<JsonElement>()).Should().Be("succeeded");
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var confirm = fx.Stripe.CallsTo("POST", $"/v1/payment_intents/{IntentId(payment)}/confirm").Should().ContainSingle().Subject;
        confirm.IdempotencyKey.Should().Be($"payment-{Id(payment)}-confirm-0");
        var events = await fx.PaymentEventsAsync(Id(payment));
        events.Select(e => e.Topic).Should().Equal("payment.succeeded");
        events[0].Data.GetProperty("workflowInstanceId").GetString().Should().Be(payment.GetProperty("bookingId").GetGuid().ToString("N").Insert(0, "booking-"));
        events[0].Data.GetProperty("status").GetString().Should().Be("succeeded");
    }

    [Fact]
    public async Task A_decline_is_a_payment_outcome_not_an_error_and_the_student_may_try_another_card()
    {
        var student = Guid.NewGuid();
        var payment = await fx.CreatePaymentAsync(student);
        using var client = fx.Student(student);

        using var declined = await client.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_card_chargeDeclined" });
        var failed = await declined.Content.ReadFromJsonAsync<JsonElement>();
        using var retried = await client.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_card_visa" });

        declined.StatusCode.Should().Be(HttpStatusCode.OK);
        Status(failed).Should().Be("failed");
        failed.GetProperty("failureCode").GetString().Should().Be("generic_decline");
        failed.GetProperty("failureMessage").GetString().Should().Be("Your card was declined.");
        Status(await retried.Content.ReadFromJsonAsync<JsonElement>()).Should().Be("succeeded");
        // Each attempt is its own Stripe request: a new idempotency key per confirm attempt.
        fx.Stripe.CallsTo("POST", $"/v1/payment_intents/{IntentId(payment)}/confirm").Select(c => c.IdempotencyKey)
            .Should().Equal($"payment-{Id(payment)}-confirm-0", $"payment-{Id(payment)}-confirm-1");
        var events = await fx.PaymentEventsAsync(Id(payment));
        events.Select(e => e.Topic).Should().Equal("payment.failed", "payment.succeeded");
        events[0].Data.GetProperty("failureCode").GetString().Should().Be("generic_decline");
    }

    [Fact]
    public async Task A_payment_method_stripe_does_not_know_is_a_field_error_and_the_next_attempt_gets_a_new_key()
    {
        var student = Guid.NewGuid();
        var payment = await fx.CreatePaymentAsync(student);
        using var client = fx.Student(student);

        using var unknown = await client.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_does_not_exist" });
        using var good = await client.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_card_visa" });

        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unknown.ReadProblemAsync()).FieldErrors().Should().Equal("paymentMethod");
        // Reusing the first key with other parameters would be an idempotency_error at Stripe.
        Status(await good.Content.ReadFromJsonAsync<JsonElement>()).Should().Be("succeeded");
        fx.Stripe.CallsTo("POST", $"/v1/payment_intents/{IntentId(payment)}/confirm").Select(c => c.IdempotencyKey)
            .Should().Equal($"payment-{Id(payment)}-confirm-0", $"payment-{Id(payment)}-confirm-1");
    }

    [Fact]
    public async Task An_amount_below_stripes_minimum_is_a_field_error_and_no_payment()
    {
        var booking = Guid.NewGuid();
        using var app = fx.App();

        using var response = await app.PostAsJsonAsync("/internal/payments/intents", PaymentsFixture.IntentRequest(booking, Guid.NewGuid(), amount: 10));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).FieldErrors().Should().Equal("amount.amount");
        (await fx.Factory.WithDbAsync(db => Task.FromResult(db.Payments.Any(p => p.BookingId == booking)))).Should().BeFalse();
    }

    [Fact]
    public async Task Only_the_paying_student_can_confirm()
    {
        var payment = await fx.CreatePaymentAsync();
        using var other = fx.Student(Guid.NewGuid());

        using var response = await other.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_card_visa" });

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        fx.Stripe.CallsTo("POST", $"{IntentId(payment)}/confirm").Should().BeEmpty();
    }

    [Fact]
    public async Task Void_before_payment_cancels_the_intent_and_is_idempotent()
    {
        var payment = await fx.CreatePaymentAsync();
        using var app = fx.App();

        using var first = await app.PostAsync($"/internal/payments/{Id(payment)}/void", null);
        using var second = await app.PostAsync($"/internal/payments/{Id(payment)}/void", null);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        Status(await first.Content.ReadFromJsonAsync<JsonElement>()).Should().Be("canceled");
        Status(await second.Content.ReadFromJsonAsync<JsonElement>()).Should().Be("canceled");
        fx.Stripe.CallsTo("POST", $"{IntentId(payment)}/cancel").Should().ContainSingle()
            .Which.IdempotencyKey.Should().Be($"payment-{Id(payment)}-cancel");
        fx.Stripe.Intent(IntentId(payment))["status"]!.GetValue<string>().Should().Be("canceled");
        fx.Stripe.CallsTo("POST", "/v1/refunds").Where(c => c.Form.GetValueOrDefault("payment_intent") == IntentId(payment)).Should().BeEmpty();
    }

    [Fact]
    public async Task Void_after_a_decline_cancels_the_intent()
    {
        var student = Guid.NewGuid();
        var payment = await fx.CreatePaymentAsync(student);
        using var client = fx.Student(student);
        (await client.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_card_chargeDeclined" })).Dispose();
        using var app = fx.App();

        using var response = await app.PostAsync($"/internal/payments/{Id(payment)}/void", null);

        Status(await response.Content.ReadFromJsonAsync<JsonElement>()).Should().Be("canceled");
        fx.Stripe.Intent(IntentId(payment))["status"]!.GetValue<string>().Should().Be("canceled");
    }

    [Fact]
    public async Task Void_after_stripe_took_the_money_refunds_it_in_full_instead()
    {
        // The webhook raced the saga's timeout: Stripe says succeeded, our row does not know yet.
        var payment = await fx.CreatePaymentAsync(amount: 5000);
        fx.Stripe.Succeed(IntentId(payment));
        using var app = fx.App();

        using var response = await app.PostAsync($"/internal/payments/{Id(payment)}/void", null);
        using var again = await app.PostAsync($"/internal/payments/{Id(payment)}/void", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var voided = await response.Content.ReadFromJsonAsync<JsonElement>();
        Status(voided).Should().Be("refunded");
        voided.GetProperty("refunded").GetProperty("amount").GetInt64().Should().Be(5000);
        Status(await again.Content.ReadFromJsonAsync<JsonElement>()).Should().Be("refunded");
        fx.Stripe.CallsTo("POST", $"{IntentId(payment)}/cancel").Should().BeEmpty();
        var refund = fx.Stripe.CallsTo("POST", "/v1/refunds").Where(c => c.Form.GetValueOrDefault("payment_intent") == IntentId(payment)).Should().ContainSingle().Subject;
        refund.Form["amount"].Should().Be("5000");
        refund.IdempotencyKey.Should().Be($"payment-{Id(payment)}-void-refund");
        (await fx.PaymentEventsAsync(Id(payment))).Select(e => e.Topic).Should().Equal("payment.succeeded", "payment.refunded");
    }

    [Fact]
    public async Task Void_while_stripe_is_still_processing_is_a_conflict_the_saga_can_retry()
    {
        var payment = await fx.CreatePaymentAsync();
        fx.Stripe.SetStatus(IntentId(payment), "processing");
        using var app = fx.App();

        using var response = await app.PostAsync($"/internal/payments/{Id(payment)}/void", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await response.ReadProblemAsync();
        (await fx.Factory.WithDbAsync(db => Task.FromResult(db.Payments.Single(p => p.Id == Id(payment)).Status))).Should().Be(PaymentStatus.Processing);
    }

    [Fact]
    public async Task Void_of_an_unknown_payment_is_404()
    {
        using var app = fx.App();

        using var response = await app.PostAsync($"/internal/payments/{Guid.NewGuid()}/void", null);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await response.ReadProblemAsync();
    }

    private async Task<JsonElement> PaidAsync(long amount = 6000)
    {
        var student = Guid.NewGuid();
        var payment = await fx.CreatePaymentAsync(student, amount);
        using var client = fx.Student(student);
        using var confirmed = await client.PostAsJsonAsync($"/api/payments/{Id(payment)}/confirm", new { paymentMethod = "pm_card_visa" });
        confirmed.EnsureSuccessStatusCode();
        return await confirmed.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> RefundAsync(Guid paymentId, string? key, object? body)
    {
        using var app = fx.App();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/internal/payments/{paymentId}/refund");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await app.SendAsync(request);
    }

    [Fact]
    public async Task A_refund_whose_own_webhook_lands_before_it_is_saved_is_still_recorded_and_answered()
    {
        var payment = await PaidAsync(6000);
        var id = Id(payment);
        // Stripe sends charge.refunded as soon as it refunds; here it lands while the refund call is still in flight, so the
        // payment row changes under the call and its save has to be retried.
        fx.Stripe.BeforeAnswering = async call =>
        {
            if (call.Path != "/v1/refunds") { return; }
            fx.Stripe.BeforeAnswering = null;
            using var webhook = await fx.PostSignedWebhookAsync(PaymentsFixture.ChargeRefunded($"evt_{Guid.NewGuid():N}", payment, 6000));
            webhook.StatusCode.Should().Be(HttpStatusCode.OK);
        };
        try
        {
            using var refunded = await RefundAsync(id, "booking-cancel-9:refund", null);

            refunded.StatusCode.Should().Be(HttpStatusCode.OK, await refunded.Content.ReadAsStringAsync());
            var body = await refunded.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(6000);
            Status(body.GetProperty("payment")).Should().Be("refunded");
            (await fx.Factory.WithDbAsync(db => Task.FromResult(db.Refunds.Count(r => r.PaymentId == id)))).Should().Be(1);
            fx.Stripe.CallsTo("POST", "/v1/refunds").Count(c => c.Form.GetValueOrDefault("payment_intent") == IntentId(payment)).Should().Be(1, "the retry records the refund Stripe made; it does not ask again");
        }
        finally
        {
            fx.Stripe.BeforeAnswering = null;
        }
    }

    [Fact]
    public async Task Refunds_partial_then_the_rest_and_a_repeated_call_has_no_second_effect()
    {
        var payment = await PaidAsync(6000);
        var id = Id(payment);

        using var partial = await RefundAsync(id, "booking-cancel-1:refund", new { amount = new { amount = 2500, currency = "USD" }, reason = "cancelled 3 h ahead" });
        using var repeated = await RefundAsync(id, "booking-cancel-1:refund", new { amount = new { amount = 2500, currency = "USD" }, reason = "cancelled 3 h ahead" });
        using var rest = await RefundAsync(id, "booking-cancel-2:refund", null);

        partial.StatusCode.Should().Be(HttpStatusCode.OK);
        var first = await partial.Content.ReadFromJsonAsync<JsonElement>();
        first.GetProperty("paymentId").GetGuid().Should().Be(id);
        first.GetProperty("refundId").GetString().Should().StartWith("re_");
        first.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(2500);
        Status(first.GetProperty("payment")).Should().Be("partiallyRefunded");
        first.GetProperty("payment").GetProperty("refunded").GetProperty("amount").GetInt64().Should().Be(2500);

        repeated.StatusCode.Should().Be(HttpStatusCode.OK);
        (await repeated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refundId").GetString().Should().Be(first.GetProperty("refundId").GetString());

        rest.StatusCode.Should().Be(HttpStatusCode.OK);
        var last = await rest.Content.ReadFromJsonAsync<JsonElement>();
        last.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(3500);
        Status(last.GetProperty("payment")).Should().Be("refunded");

        var stripeRefunds = fx.Stripe.CallsTo("POST", "/v1/refunds").Where(c => c.Form.GetValueOrDefault("payment_intent") == IntentId(payment)).ToList();
        stripeRefunds.Select(c => c.IdempotencyKey).Should().Equal($"payment-{id}-refund-booking-cancel-1:refund", $"payment-{id}-refund-booking-cancel-2:refund");
        stripeRefunds[0].Form.Should().Contain("metadata[reason]", "cancelled 3 h ahead");
        var events = await fx.PaymentEventsAsync(id);
        events.Select(e => e.Topic).Should().Equal("payment.succeeded", "payment.refunded", "payment.refunded");
        events.Skip(1).Select(e => e.Data.GetProperty("refunded").GetProperty("amount").GetInt64()).Should().Equal(2500, 6000);
    }

    [Fact]
    public async Task Refunding_more_than_is_left_is_a_conflict_and_changes_nothing()
    {
        var payment = await PaidAsync(6000);
        using (var part = await RefundAsync(Id(payment), "k1", new { amount = new { amount = 5000, currency = "USD" } }))
        {
            part.EnsureSuccessStatusCode();
        }

        var before = await fx.CountsAsync();

        using var response = await RefundAsync(Id(payment), "k2", new { amount = new { amount = 1001, currency = "USD" } });

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await response.ReadProblemAsync();
        (await fx.CountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Concurrent_full_refunds_with_different_keys_refund_once()
    {
        var payment = await PaidAsync(6000);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => RefundAsync(Id(payment), $"racer-{i}", null)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        responses.Where(r => r.StatusCode != HttpStatusCode.OK).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Conflict);
        var row = await fx.Factory.WithDbAsync(db => Task.FromResult(db.Payments.Single(p => p.Id == Id(payment))));
        row.Refunded.Should().Be(6000);
        row.Status.Should().Be(PaymentStatus.Refunded);
        (await fx.Factory.WithDbAsync(db => Task.FromResult(db.Refunds.Count(r => r.PaymentId == Id(payment))))).Should().Be(1);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Refunding_an_unpaid_payment_is_a_conflict()
    {
        var payment = await fx.CreatePaymentAsync();

        using var response = await RefundAsync(Id(payment), "k", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await response.ReadProblemAsync();
        fx.Stripe.CallsTo("POST", "/v1/refunds").Where(c => c.Form.GetValueOrDefault("payment_intent") == IntentId(payment)).Should().BeEmpty();
    }

    [Fact]
    public async Task Refund_of_an_unknown_payment_is_404()
    {
        using var response = await RefundAsync(Guid.NewGuid(), "k", null);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_a_stripe_key_the_stripe_routes_answer_503_saying_so()
    {
        await using var unconfigured = fx.CreateFactory(secretKey: null, webhookSecret: null);
        var payment = await fx.CreatePaymentAsync();
        using var app = unconfigured.CreateAppClient();
        var before = await fx.CountsAsync();

        using var create = await app.PostAsJsonAsync("/internal/payments/intents", PaymentsFixture.IntentRequest(Guid.NewGuid(), Guid.NewGuid()));
        using var voided = await app.PostAsync($"/internal/payments/{Id(payment)}/void", null);
        using var webhook = await unconfigured.CreateClient().PostAsync(Features.StripeWebhook.Path, JsonContent.Create(new { id = "evt_x" }));

        create.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await create.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("stripe:secretKey");
        voided.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        webhook.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await webhook.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("stripe:webhookSecret");
        (await fx.CountsAsync()).Should().Be(before);
    }
}
