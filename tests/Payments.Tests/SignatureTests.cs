using System.Text;
using DaprPlatform.TestSupport;
using System.Net;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// Stripe's webhook signature scheme as the webhook route applies it through Stripe.net's EventUtility (stripe-dotnet
/// src/Stripe.net/Services/Events/EventUtility.cs; docs.stripe.com/webhooks#verify-manually): t=…,v1=… with
/// HMAC-SHA256 over "{t}.{raw body}", any v1 may match, 300 s tolerance. Signatures are computed here independently.
/// </summary>
public sealed class SignatureTests(PaymentsFixture fx) : IClassFixture<PaymentsFixture>
{
    private const string Secret = PaymentsFixture.WebhookSecret;

    private static string Body() => PaymentsFixture.IntentEvent(PaymentsFixture.NewEventId(), "customer.created", """{"id":"cus_sig","object":"customer"}""");

    private static string Hmac(long t, string body, string secret) => PaymentsFixture.Hmac(t, body, secret);

    public static TheoryData<string, Func<long, string, string?>, Func<string, string>?, HttpStatusCode> Cases() => new()
    {
        // name, header from (now, body), body change after signing, expected status
        { "valid", (t, b) => $"t={t},v1={Hmac(t, b, Secret)}", null, HttpStatusCode.OK },
        { "valid with spaces after commas", (t, b) => $"t={t}, v1={Hmac(t, b, Secret)}", null, HttpStatusCode.OK },
        { "wrong secret", (t, b) => $"t={t},v1={Hmac(t, b, "whsec_other")}", null, HttpStatusCode.BadRequest },
        { "stale timestamp (301 s old)", (t, b) => $"t={t - 301},v1={Hmac(t - 301, b, Secret)}", null, HttpStatusCode.BadRequest },
        { "inside the tolerance (290 s old)", (t, b) => $"t={t - 290},v1={Hmac(t - 290, b, Secret)}", null, HttpStatusCode.OK },
        { "future timestamp beyond tolerance", (t, b) => $"t={t + 301},v1={Hmac(t + 301, b, Secret)}", null, HttpStatusCode.BadRequest },
        { "multiple v1, one valid (secret roll)", (t, b) => $"t={t},v1={Hmac(t, b, "whsec_old")},v1={Hmac(t, b, Secret)}", null, HttpStatusCode.OK },
        { "multiple v1, none valid", (t, b) => $"t={t},v1={Hmac(t, b, "whsec_a")},v1={Hmac(t, b, "whsec_b")}", null, HttpStatusCode.BadRequest },
        { "v0 alongside a valid v1", (t, b) => $"t={t},v1={Hmac(t, b, Secret)},v0={Hmac(t, b, Secret)}", null, HttpStatusCode.OK },
        { "only v0", (t, b) => $"t={t},v0={Hmac(t, b, Secret)}", null, HttpStatusCode.BadRequest },
        { "tampered body", (t, b) => $"t={t},v1={Hmac(t, b, Secret)}", b => b.Replace("cus_sig", "cus_sih", StringComparison.Ordinal), HttpStatusCode.BadRequest },
        { "timestamp changed, signature kept", (t, b) => $"t={t + 1},v1={Hmac(t, b, Secret)}", null, HttpStatusCode.BadRequest },
        { "missing header", (_, _) => null, null, HttpStatusCode.BadRequest },
        { "blank header", (_, _) => "  ", null, HttpStatusCode.BadRequest },
        { "garbage header", (_, _) => "garbage", null, HttpStatusCode.BadRequest },
        { "no timestamp", (t, b) => $"v1={Hmac(t, b, Secret)}", null, HttpStatusCode.BadRequest },
        { "non-numeric timestamp", (t, b) => $"t=now,v1={Hmac(t, b, Secret)}", null, HttpStatusCode.BadRequest },
        { "v1 truncated", (t, b) => $"t={t},v1={Hmac(t, b, Secret)[..63]}", null, HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verifies_like_stripe(string name, Func<long, string, string?> header, Func<string, string>? tamper, HttpStatusCode expected)
    {
        var body = Body();
        var signature = header(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body);
        var before = await fx.CountsAsync();

        using var response = await fx.PostWebhookAsync(tamper?.Invoke(body) ?? body, signature);

        response.StatusCode.Should().Be(expected, name);
        if (expected != HttpStatusCode.OK)
        {
            await response.ReadProblemAsync();
            (await fx.CountsAsync()).Should().Be(before, name);
        }
    }

    [Fact]
    public async Task Tolerance_comes_from_configuration()
    {
        await using var strict = fx.CreateFactory(FakeStripe.SecretKey, Secret, new Dictionary<string, string?> { ["Stripe:WebhookTolerance"] = "00:00:10" });
        using var client = strict.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        async Task<HttpStatusCode> PostAsync(long t)
        {
            var body = Body();
            using var request = new HttpRequestMessage(HttpMethod.Post, Features.StripeWebhook.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={t},v1={Hmac(t, body, Secret)}");
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        (await PostAsync(now - 30)).Should().Be(HttpStatusCode.BadRequest);
        (await PostAsync(now - 3)).Should().Be(HttpStatusCode.OK);
    }
}
