namespace DaprPlatform.DevHost.Tests.Stripe;

/// <summary>Stripe's "Idempotent requests" rules, as the stand-in applies them.</summary>
public sealed class StripeIdempotencyTests : IAsyncLifetime
{
    private StripeStandInHarness _stripe = null!;

    public async Task InitializeAsync() => _stripe = await StripeStandInHarness.StartAsync(webhooks: false);

    public async Task DisposeAsync() => await _stripe.DisposeAsync();

    private static (string, string)[] Create(string amount = "2000") =>
        [("amount", amount), ("currency", "usd"), ("metadata[booking_id]", "b-1"), ("automatic_payment_methods[enabled]", "true"), ("automatic_payment_methods[allow_redirects]", "never")];

    [Fact]
    public async Task The_same_key_and_parameters_replay_the_saved_answer_without_a_second_effect()
    {
        using var first = await _stripe.PostAsync("/v1/payment_intents", Create(), "payment-1-create");
        using var second = await _stripe.PostAsync("/v1/payment_intents", Create(), "payment-1-create");

        // "Subsequent requests with the same key return the same result": status and body; Idempotent-Replayed marks the replay.
        second.StatusCode.Should().Be(first.StatusCode);
        (await second.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync());
        first.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        second.Headers.GetValues("Idempotent-Replayed").Single().Should().Be("true");
        var events = await _stripe.EventsAsync();
        events.Count(e => e.GetProperty("type").GetString() == "payment_intent.created").Should().Be(1, "the replay created nothing");
    }

    [Fact]
    public async Task Metadata_order_does_not_make_a_request_different()
    {
        using var first = await _stripe.PostAsync("/v1/payment_intents", [.. Create(), ("metadata[payment_id]", "p-1")], "reordered");
        using var second = await _stripe.PostAsync("/v1/payment_intents", [("metadata[payment_id]", "p-1"), .. Create()], "reordered");

        // The idempotency layer compares parameters, not their order on the wire.
        second.Headers.GetValues("Idempotent-Replayed").Single().Should().Be("true");
        (await second.ReadJsonAsync()).GetProperty("id").GetString().Should().Be((await first.ReadJsonAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_failure_after_the_endpoint_ran_is_replayed_too()
    {
        var id = (await _stripe.CreateIntentAsync()).GetProperty("id").GetString();

        using var declined = await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_chargeDeclined")], "confirm-1");
        using var replayed = await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_chargeDeclined")], "confirm-1");

        // "saving the resulting status code and body of the first request ... regardless of whether it succeeds or fails".
        replayed.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        replayed.Headers.GetValues("Idempotent-Replayed").Single().Should().Be("true");
        (await replayed.Content.ReadAsStringAsync()).Should().Be(await declined.Content.ReadAsStringAsync());
        var failures = (await _stripe.EventsAsync(id)).Count(e => e.GetProperty("type").GetString() == "payment_intent.payment_failed");
        failures.Should().Be(1);
    }

    [Fact]
    public async Task The_same_key_with_different_parameters_is_400_idempotency_error()
    {
        using var first = await _stripe.PostAsync("/v1/payment_intents", Create("2000"), "key-reused");
        using var different = await _stripe.PostAsync("/v1/payment_intents", Create("3000"), "key-reused");
        using var otherEndpoint = await _stripe.PostAsync("/v1/customers", [("email", "a@example.test")], "key-reused");

        // "The idempotency layer compares incoming parameters to those of the original request and errors if they're not the same".
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        await different.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "idempotency_error");
        await otherEndpoint.ShouldBeStripeErrorAsync(HttpStatusCode.BadRequest, "idempotency_error");
    }

    [Fact]
    public async Task Keys_belong_to_one_API_key()
    {
        using var mine = await _stripe.PostAsync("/v1/payment_intents", Create(), "shared-key");
        using var theirs = await _stripe.PostAsync("/v1/payment_intents", Create(), "shared-key", apiKey: "sk_test_another_integration");

        // Keys are scoped to the API key that sent them: another key's request with the same key value runs anew.
        theirs.StatusCode.Should().Be(HttpStatusCode.OK);
        theirs.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        (await theirs.ReadJsonAsync()).GetProperty("id").GetString().Should().NotBe((await mine.ReadJsonAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_request_refused_for_its_parameters_is_not_saved()
    {
        using var invalid = await _stripe.PostAsync("/v1/payment_intents", Create("10"), "fix-and-retry");
        using var corrected = await _stripe.PostAsync("/v1/payment_intents", Create("2000"), "fix-and-retry");

        // "If incoming parameters fail validation ... we don't save the idempotent result"; the key is free for the corrected request.
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        corrected.StatusCode.Should().Be(HttpStatusCode.OK);
        corrected.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
    }

    [Fact]
    public async Task GET_requests_ignore_the_key()
    {
        var id = (await _stripe.CreateIntentAsync()).GetProperty("id").GetString();
        using var before = new HttpRequestMessage(HttpMethod.Get, $"/v1/payment_intents/{id}");
        before.Headers.Add("Idempotency-Key", "read-1");
        using var first = await _stripe.Client.SendAsync(before);
        (await _stripe.PostAsync($"/v1/payment_intents/{id}/confirm", [("payment_method", "pm_card_visa")])).StatusCode.Should().Be(HttpStatusCode.OK);
        using var after = new HttpRequestMessage(HttpMethod.Get, $"/v1/payment_intents/{id}");
        after.Headers.Add("Idempotency-Key", "read-1");

        using var second = await _stripe.Client.SendAsync(after);

        // "Sending idempotency keys in GET and DELETE requests has no effect": the second read sees the confirmation.
        second.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        (await first.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("requires_payment_method");
        (await second.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("succeeded");
    }
}
