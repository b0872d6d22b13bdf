using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DaprPlatform.Payments.Infrastructure.Stripe;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.Payments.Tests;

/// <summary>Stripe's webhook signature scheme: t=…,v1=… with HMAC-SHA256 over "{t}.{raw body}", 300 s tolerance.</summary>
public sealed class SignatureTests
{
    private const string Secret = "whsec_signature_tests";
    private const string Body = """{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}""";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 5, 0, 0, TimeSpan.Zero);

    // Computed here independently of the verifier, the way Stripe documents it.
    private static string Hmac(long t, string body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t.ToString(CultureInfo.InvariantCulture) + "." + body)));

    private static readonly long T = Now.ToUnixTimeSeconds();

    public static TheoryData<string, string?, string, SignatureVerdict> Cases() => new()
    {
        // name, header, body, verdict
        { "valid", $"t={T},v1={Hmac(T, Body, Secret)}", Body, SignatureVerdict.Valid },
        { "valid with spaces after commas", $"t={T}, v1={Hmac(T, Body, Secret)}", Body, SignatureVerdict.Valid },
        { "wrong secret", $"t={T},v1={Hmac(T, Body, "whsec_other")}", Body, SignatureVerdict.Mismatch },
        { "stale timestamp (301 s old)", $"t={T - 301},v1={Hmac(T - 301, Body, Secret)}", Body, SignatureVerdict.TimestampOutsideTolerance },
        { "just inside tolerance (300 s old)", $"t={T - 300},v1={Hmac(T - 300, Body, Secret)}", Body, SignatureVerdict.Valid },
        { "future timestamp beyond tolerance", $"t={T + 301},v1={Hmac(T + 301, Body, Secret)}", Body, SignatureVerdict.TimestampOutsideTolerance },
        { "multiple v1, one valid (secret roll)", $"t={T},v1={Hmac(T, Body, "whsec_old")},v1={Hmac(T, Body, Secret)}", Body, SignatureVerdict.Valid },
        { "multiple v1, none valid", $"t={T},v1={Hmac(T, Body, "whsec_a")},v1={Hmac(T, Body, "whsec_b")}", Body, SignatureVerdict.Mismatch },
        { "v0 alongside a valid v1", $"t={T},v1={Hmac(T, Body, Secret)},v0={Hmac(T, Body, Secret)}", Body, SignatureVerdict.Valid },
        { "only v0", $"t={T},v0={Hmac(T, Body, Secret)}", Body, SignatureVerdict.NoV1Signature },
        { "tampered body", $"t={T},v1={Hmac(T, Body, Secret)}", Body.Replace("pi_1", "pi_2", StringComparison.Ordinal), SignatureVerdict.Mismatch },
        { "timestamp changed, signature kept", $"t={T + 1},v1={Hmac(T, Body, Secret)}", Body, SignatureVerdict.Mismatch },
        { "missing header", null, Body, SignatureVerdict.MissingHeader },
        { "blank header", "  ", Body, SignatureVerdict.MissingHeader },
        { "garbage header", "garbage", Body, SignatureVerdict.MalformedHeader },
        { "no timestamp", $"v1={Hmac(T, Body, Secret)}", Body, SignatureVerdict.MalformedHeader },
        { "non-numeric timestamp", $"t=now,v1={Hmac(T, Body, Secret)}", Body, SignatureVerdict.MalformedHeader },
        { "two timestamps", $"t={T},t={T},v1={Hmac(T, Body, Secret)}", Body, SignatureVerdict.MalformedHeader },
        { "v1 not hex", $"t={T},v1=zz{Hmac(T, Body, Secret)[2..]}", Body, SignatureVerdict.NoV1Signature },
        { "v1 truncated", $"t={T},v1={Hmac(T, Body, Secret)[..63]}", Body, SignatureVerdict.NoV1Signature },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verifies_like_stripe(string name, string? header, string body, SignatureVerdict expected)
    {
        var verifier = new StripeSignatureVerifier(Options.Create(new StripeOptions()), new FakeTimeProvider(Now));

        verifier.Verify(header, Encoding.UTF8.GetBytes(body), Secret).Should().Be(expected, name);
    }

    [Fact]
    public void Tolerance_comes_from_configuration()
    {
        var verifier = new StripeSignatureVerifier(Options.Create(new StripeOptions { WebhookTolerance = TimeSpan.FromSeconds(10) }), new FakeTimeProvider(Now));

        verifier.Verify($"t={T - 11},v1={Hmac(T - 11, Body, Secret)}", Encoding.UTF8.GetBytes(Body), Secret).Should().Be(SignatureVerdict.TimestampOutsideTolerance);
        verifier.Verify($"t={T - 10},v1={Hmac(T - 10, Body, Secret)}", Encoding.UTF8.GetBytes(Body), Secret).Should().Be(SignatureVerdict.Valid);
    }

    [Fact]
    public void Sign_produces_what_stripe_would_send()
    {
        StripeSignatureVerifier.Sign(T, Encoding.UTF8.GetBytes(Body), Secret).Should().Be(Hmac(T, Body, Secret));
    }
}
