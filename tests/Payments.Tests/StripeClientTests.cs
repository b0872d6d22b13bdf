using DaprPlatform.Payments.Features;
using DaprPlatform.Payments.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// The <see cref="StripeClient"/> payments builds from configuration (AddStripe), against an in-test server answering
/// with Stripe's shapes: what it sends, what Stripe.net retries (stripe-dotnet SystemNetHttpClient.ShouldRetry) and how
/// the failures payments handles arrive.
/// </summary>
public sealed class StripeClientTests : IAsyncLifetime
{
    private FakeStripe _stripe = null!;

    public async Task InitializeAsync() => _stripe = await FakeStripe.StartAsync();

    public async Task DisposeAsync() => await _stripe.DisposeAsync();

    private static StripeClient Client(Uri baseUrl, string? secretKey = FakeStripe.SecretKey, int maxRetries = 2)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stripe:BaseUrl"] = baseUrl.ToString(),
            ["Stripe:MaxRetries"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["stripe:secretKey"] = secretKey,
        }).Build();
        return new ServiceCollection().AddStripe(configuration).BuildServiceProvider().GetRequiredService<StripeClient>();
    }

    private static PaymentIntentCreateOptions Intent(long amount = 4500) => new()
    {
        Amount = amount,
        Currency = "usd",
        Description = "Tutoring & more = 100%",
        Metadata = new() { ["booking_id"] = "b-1", ["workflow_instance_id"] = "booking-x y" },
        AutomaticPaymentMethods = new() { Enabled = true, AllowRedirects = "never" },
    };

    private static RequestOptions Key(string key) => new() { IdempotencyKey = key };

    [Fact]
    public async Task Requests_go_to_the_configured_base_with_the_secret_key_the_pinned_version_and_our_idempotency_key()
    {
        var intent = await Client(_stripe.BaseUrl).V1.PaymentIntents.CreateAsync(Intent(), Key("payment-1-create"));

        var call = _stripe.CallsTo("POST", "/v1/payment_intents").Should().ContainSingle().Subject;
        call.ContentType.Should().StartWith("application/x-www-form-urlencoded");
        call.Authorization.Should().Be("Bearer " + FakeStripe.SecretKey);
        call.StripeVersion.Should().Be(StripeConfiguration.ApiVersion);
        call.IdempotencyKey.Should().Be("payment-1-create");
        call.Form.Should().Contain(new Dictionary<string, string>
        {
            ["amount"] = "4500",
            ["currency"] = "usd",
            ["description"] = "Tutoring & more = 100%",
            ["metadata[booking_id]"] = "b-1",
            ["metadata[workflow_instance_id]"] = "booking-x y",
            ["automatic_payment_methods[allow_redirects]"] = "never",
        });
        intent.Id.Should().StartWith("pi_");
        intent.ClientSecret.Should().StartWith(intent.Id + "_secret_");
        intent.Metadata.Should().Contain("booking_id", "b-1");
    }

    [Fact]
    public void Without_a_secret_key_the_client_has_none_and_the_routes_answer_503()
    {
        Client(_stripe.BaseUrl, secretKey: "  ").ApiKey.Should().BeNull();
        Client(_stripe.BaseUrl, secretKey: " sk_test_x ").ApiKey.Should().Be("sk_test_x", "a secret read from a file may end in a newline");
    }

    [Fact]
    public async Task Server_errors_are_retried_MaxRetries_times_with_the_same_key_then_surface_as_upstream_failures()
    {
        _stripe.FailNext("/v1/payment_intents", 500, "api_error", times: 5);

        var act = () => Client(_stripe.BaseUrl, maxRetries: 2).V1.PaymentIntents.CreateAsync(Intent(), Key("payment-500-create"));

        var error = (await act.Should().ThrowAsync<StripeException>()).Which;
        ((int)error.HttpStatusCode).Should().Be(500);
        error.StripeError.Type.Should().Be("api_error");
        error.IsUpstreamFailure().Should().BeTrue();
        var calls = _stripe.CallsTo("POST", "/v1/payment_intents");
        calls.Should().HaveCount(3, "one attempt and two retries");
        // Stripe idempotency: a retry reuses the key, so Stripe performs the operation at most once.
        calls.Select(c => c.IdempotencyKey).Should().AllBe("payment-500-create");
        _stripe.IntentCount.Should().Be(0);
    }

    [Fact]
    public async Task A_429_is_retried_when_Stripe_advises_it_and_otherwise_surfaces()
    {
        var client = Client(_stripe.BaseUrl);
        _stripe.FailNext("/v1/payment_intents", 429, "invalid_request_error", "rate_limit", shouldRetry: true);

        var intent = await client.V1.PaymentIntents.CreateAsync(Intent(), Key("payment-429-create"));

        intent.Status.Should().Be("requires_payment_method");
        _stripe.CallsTo("POST", "/v1/payment_intents").Select(c => c.IdempotencyKey).Should().Equal("payment-429-create", "payment-429-create");

        _stripe.FailNext("/v1/payment_intents", 429, "invalid_request_error", "rate_limit");
        var act = () => client.V1.PaymentIntents.CreateAsync(Intent(), Key("payment-429-again"));

        var error = (await act.Should().ThrowAsync<StripeException>()).Which;
        error.StripeError.Code.Should().Be("rate_limit");
        error.IsUpstreamFailure().Should().BeTrue("payments answers 502: Stripe's trouble, not the caller's");
        _stripe.CallsTo("POST", "/v1/payment_intents").Count(c => c.IdempotencyKey == "payment-429-again").Should().Be(1);
    }

    [Fact]
    public async Task A_card_decline_is_a_402_card_error_carrying_the_declined_intent_and_is_not_retried()
    {
        var client = Client(_stripe.BaseUrl);
        var intent = await client.V1.PaymentIntents.CreateAsync(Intent(), Key("k-decline-create"));

        var act = () => client.V1.PaymentIntents.ConfirmAsync(intent.Id, new() { PaymentMethod = "pm_card_chargeDeclinedInsufficientFunds" }, Key("k-decline"));

        var error = (await act.Should().ThrowAsync<StripeException>()).Which;
        ((int)error.HttpStatusCode).Should().Be(402);
        error.IsCardError().Should().BeTrue();
        error.StripeError.Code.Should().Be("card_declined");
        error.StripeError.DeclineCode.Should().Be("insufficient_funds");
        error.StripeResponse.RequestId.Should().StartWith("req_");
        error.StripeError.PaymentIntent.Status.Should().Be("requires_payment_method");
        error.StripeError.PaymentIntent.LastPaymentError.DeclineCode.Should().Be("insufficient_funds");
        _stripe.CallsTo("POST", "/confirm").Should().ContainSingle();
    }

    [Fact]
    public async Task An_invalid_request_carries_its_param_and_a_wrong_key_is_401_neither_retried()
    {
        var small = () => Client(_stripe.BaseUrl).V1.PaymentIntents.CreateAsync(Intent(amount: 10), Key("k-small"));
        var wrongKey = () => Client(_stripe.BaseUrl, secretKey: "sk_test_wrong").V1.PaymentIntents.GetAsync("pi_123");

        var invalid = (await small.Should().ThrowAsync<StripeException>()).Which;
        var refused = (await wrongKey.Should().ThrowAsync<StripeException>()).Which;

        invalid.StripeError.Should().BeEquivalentTo(new { Type = "invalid_request_error", Code = "amount_too_small", Param = "amount" }, o => o.ExcludingMissingMembers());
        invalid.IsUpstreamFailure().Should().BeFalse();
        ((int)refused.HttpStatusCode).Should().Be(401);
        refused.IsUpstreamFailure().Should().BeTrue();
        _stripe.Calls.Should().HaveCount(2);
    }

    [Fact]
    public async Task Unreachable_stripe_surfaces_the_transport_failure_after_the_retries()
    {
        var closed = new Uri($"http://127.0.0.1:{TestSupport.FreeTcpPort.Next()}");

        var act = () => Client(closed, maxRetries: 1).V1.PaymentIntents.GetAsync("pi_1");

        var failure = (await act.Should().ThrowAsync<HttpRequestException>()).Which;
        StripeProblems.IsUnreachable(failure, CancellationToken.None).Should().BeTrue();
    }
}
