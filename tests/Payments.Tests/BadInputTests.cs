using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>Every bad request is problem+json with the right 4xx, never a 500, and the database is unchanged.</summary>
public sealed class BadInputTests(PaymentsFixture fx) : IClassFixture<PaymentsFixture>
{
    private const string Json = "application/json";

    private static string Intent(string? booking = "\"6f1c1b3e-9a1f-4a7e-9a55-0d8a9f1b2c3d\"", string? student = "\"0b5a4e0c-2f7d-4d6c-8b1e-3c2d1f0e9a8b\"", string? amount = """{"amount":4500,"currency":"USD"}""", string? description = "\"Session\"", string? instance = "\"booking-1\"")
    {
        var fields = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                fields.Add($"\"{name}\":{value}");
            }
        }

        Add("bookingId", booking);
        Add("studentId", student);
        Add("amount", amount);
        Add("description", description);
        Add("workflowInstanceId", instance);
        return "{" + string.Join(",", fields) + "}";
    }

    public static TheoryData<string, string?, string?, int, string?> IntentCases() => new()
    {
        // name, content type, body, expected status, expected field error
        { "json null", Json, "null", 400, "body" },
        { "empty object", Json, "{}", 400, "bookingId" },
        { "booking missing", Json, Intent(booking: null), 400, "bookingId" },
        { "booking empty guid", Json, Intent(booking: "\"00000000-0000-0000-0000-000000000000\""), 400, "bookingId" },
        { "booking not a guid", Json, Intent(booking: "\"b-1\""), 400, null },
        { "student missing", Json, Intent(student: null), 400, "studentId" },
        { "amount missing", Json, Intent(amount: null), 400, "amount" },
        { "amount zero", Json, Intent(amount: """{"amount":0,"currency":"USD"}"""), 400, "amount.amount" },
        { "amount negative", Json, Intent(amount: """{"amount":-5,"currency":"USD"}"""), 400, "amount.amount" },
        { "amount over Stripe's maximum", Json, Intent(amount: """{"amount":100000000,"currency":"USD"}"""), 400, "amount.amount" },
        { "amount without minor units", Json, Intent(amount: """{"currency":"USD"}"""), 400, "amount.amount" },
        { "amount fraction", Json, Intent(amount: """{"amount":45.5,"currency":"USD"}"""), 400, null },
        { "amount not a number", Json, Intent(amount: """{"amount":"lots","currency":"USD"}"""), 400, null },
        { "currency missing", Json, Intent(amount: """{"amount":4500}"""), 400, "amount.currency" },
        { "currency unknown", Json, Intent(amount: """{"amount":4500,"currency":"XYZ"}"""), 400, "amount.currency" },
        { "currency lower-case", Json, Intent(amount: """{"amount":4500,"currency":"usd"}"""), 400, "amount.currency" },
        { "description missing", Json, Intent(description: null), 400, "description" },
        { "description blank", Json, Intent(description: "\"  \""), 400, "description" },
        { "description too long", Json, Intent(description: $"\"{new string('d', 501)}\""), 400, "description" },
        { "instance id missing", Json, Intent(instance: null), 400, "workflowInstanceId" },
        { "instance id too long", Json, Intent(instance: $"\"{new string('i', 201)}\""), 400, "workflowInstanceId" },
        { "malformed json", Json, """{"bookingId":""", 400, null },
        { "json array", Json, "[]", 400, null },
        { "wrong content type", "text/plain", Intent(), 415, null },
        { "oversized body", Json, $$$"""{"description":"{{{new string('x', 1100 * 1024)}}}"}""", 413, null },
    };

    [Theory]
    [MemberData(nameof(IntentCases))]
    public async Task Bad_intent_requests(string name, string? contentType, string? body, int status, string? field)
    {
        using var app = fx.App();
        await AssertRejectedAsync(app, HttpMethod.Post, "/internal/payments/intents", contentType, body, status, field, name);
        fx.Stripe.Calls.Should().NotContain(c => c.Path == "/v1/payment_intents" && c.RawBody.Contains("6f1c1b3e", StringComparison.Ordinal), name);
    }

    public static TheoryData<string, string?, string?, int, string?> ConfirmCases() => new()
    {
        { "json null", Json, "null", 400, "paymentMethod" },
        { "payment method missing", Json, "{}", 400, "paymentMethod" },
        { "payment method blank", Json, """{"paymentMethod":" "}""", 400, "paymentMethod" },
        { "payment method with spaces", Json, """{"paymentMethod":"pm card"}""", 400, "paymentMethod" },
        { "payment method too long", Json, $$$"""{"paymentMethod":"pm_{{{new string('x', 260)}}}"}""", 400, "paymentMethod" },
        { "payment method not text", Json, """{"paymentMethod":5}""", 400, null },
        { "malformed json", Json, """{"paymentMethod":""", 400, null },
        { "wrong content type", "text/plain", """{"paymentMethod":"pm_card_visa"}""", 415, null },
    };

    [Theory]
    [MemberData(nameof(ConfirmCases))]
    public async Task Bad_confirm_requests(string name, string? contentType, string? body, int status, string? field)
    {
        var student = Guid.NewGuid();
        var payment = await fx.CreatePaymentAsync(student);
        using var client = fx.Student(student);
        await AssertRejectedAsync(client, HttpMethod.Post, $"/api/payments/{payment.GetProperty("paymentId").GetGuid()}/confirm", contentType, body, status, field, name);
        fx.Stripe.CallsTo("POST", "/confirm").Should().NotContain(c => c.Path.Contains(payment.GetProperty("paymentIntentId").GetString()!, StringComparison.Ordinal));
    }

    public static TheoryData<string, string?, string?, string?, int, string?> RefundCases() => new()
    {
        // name, idempotency key, content type, body, expected status, expected field error
        { "no idempotency key", null, Json, "{}", 400, "Idempotency-Key" },
        { "blank idempotency key", " ", Json, "{}", 400, "Idempotency-Key" },
        { "idempotency key too long", new string('k', 201), Json, "{}", 400, "Idempotency-Key" },
        { "amount zero", "k", Json, """{"amount":{"amount":0,"currency":"USD"}}""", 400, "amount.amount" },
        { "amount negative", "k", Json, """{"amount":{"amount":-1,"currency":"USD"}}""", 400, "amount.amount" },
        { "amount currency unknown", "k", Json, """{"amount":{"amount":100,"currency":"ABC"}}""", 400, "amount.currency" },
        { "amount in another currency", "k", Json, """{"amount":{"amount":100,"currency":"EUR"}}""", 400, "amount.currency" },
        { "amount as text", "k", Json, """{"amount":"100"}""", 400, null },
        { "reason too long", "k", Json, $$$"""{"reason":"{{{new string('r', 501)}}}"}""", 400, "reason" },
        { "malformed json", "k", Json, """{"amount":""", 400, null },
        { "wrong content type", "k", "text/plain", "{}", 415, null },
    };

    [Theory]
    [MemberData(nameof(RefundCases))]
    public async Task Bad_refund_requests(string name, string? key, string? contentType, string? body, int status, string? field)
    {
        var student = Guid.NewGuid();
        var payment = await fx.CreatePaymentAsync(student);
        using (var client = fx.Student(student))
        {
            (await client.PostAsJsonAsync($"/api/payments/{payment.GetProperty("paymentId").GetGuid()}/confirm", new { paymentMethod = "pm_card_visa" })).EnsureSuccessStatusCode();
        }

        using var app = fx.App();
        await AssertRejectedAsync(app, HttpMethod.Post, $"/internal/payments/{payment.GetProperty("paymentId").GetGuid()}/refund", contentType, body, status, field, name,
            r => { if (key is not null) { r.Headers.TryAddWithoutValidation("Idempotency-Key", key); } });
    }

    public static TheoryData<string, string, int, string?> QueryCases() => new()
    {
        { "page 0", "/api/payments?page=0", 400, "page" },
        { "page text", "/api/payments?page=one", 400, "page" },
        { "page size too big", "/api/payments?pageSize=101", 400, "pageSize" },
        { "page size 0", "/api/payments?pageSize=0", 400, "pageSize" },
        { "non-guid id", "/api/payments/not-a-guid", 404, null },
        { "unknown id", $"/api/payments/{Guid.NewGuid()}", 404, null },
    };

    [Theory]
    [MemberData(nameof(QueryCases))]
    public async Task Bad_queries(string name, string path, int status, string? field)
    {
        using var client = fx.Student(Guid.NewGuid());
        await AssertRejectedAsync(client, HttpMethod.Get, path, null, null, status, field, name);
    }

    [Theory]
    [InlineData("/internal/payments/not-a-guid/void")]
    [InlineData("/internal/payments/not-a-guid/refund")]
    public async Task Internal_routes_with_a_non_guid_id_are_404(string path)
    {
        using var app = fx.App();
        await AssertRejectedAsync(app, HttpMethod.Post, path, Json, "{}", 404, null, path);
    }

    public static TheoryData<string, string, bool, string?, int, string?> WebhookCases()
    {
        var version = PaymentsFixture.ApiVersion;
        var valid = PaymentsFixture.IntentEvent("evt_bad_input", "payment_intent.succeeded", """{"id":"pi_x","object":"payment_intent","amount":1,"currency":"usd","status":"succeeded"}""");
        return new()
        {
            // name, body, signed?, signature override, expected status, expected field error
            { "no signature", valid, false, null, 400, null },
            { "garbage signature", valid, false, "garbage", 400, null },
            { "only v0", valid, false, "t=1,v0=abc", 400, null },
            { "signed malformed json", """{"id":"evt_1",""", true, null, 400, null },
            { "signed json array", "[1]", true, null, 400, null },
            { "signed json null", "null", true, null, 400, "body" },
            { "signed without id", """{"type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}""", true, null, 400, "id" },
            { "signed without type", """{"id":"evt_2","data":{"object":{"id":"pi_1"}}}""", true, null, 400, "type" },
            { "signed without data", """{"id":"evt_3","type":"payment_intent.succeeded"}""", true, null, 400, "data.object" },
            { "signed intent without id", $$$$"""{"id":"evt_4","api_version":"{{{{version}}}}","type":"payment_intent.succeeded","data":{"object":{"object":"payment_intent"}}}""", true, null, 400, "data.object.id" },
            { "signed intent with wrong types", $$$$"""{"id":"evt_5","api_version":"{{{{version}}}}","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","object":"payment_intent","amount":"lots"}}}""", true, null, 400, "data.object" },
            { "signed intent that is a charge", $$$$"""{"id":"evt_8","api_version":"{{{{version}}}}","type":"payment_intent.succeeded","data":{"object":{"id":"ch_1","object":"charge"}}}""", true, null, 400, "data.object" },
            // Stripe.net reads only its own release line (EventUtility.IsCompatibleApiVersion); the endpoint must be on it.
            { "signed without api_version", """{"id":"evt_9","type":"customer.created","data":{"object":{"id":"cus_1","object":"customer"}}}""", true, null, 400, "api_version" },
            { "signed in another release line", """{"id":"evt_10","api_version":"2024-06-20","type":"customer.created","data":{"object":{"id":"cus_1","object":"customer"}}}""", true, null, 400, "api_version" },
            { "signed with a created that is no time", $$$$"""{"id":"evt_11","api_version":"{{{{version}}}}","created":"yesterday","type":"customer.created","data":{"object":{"id":"cus_1","object":"customer"}}}""", true, null, 400, "created" },
            { "signed id too long", $$$$"""{"id":"evt_{{{{new string('e', 260)}}}}","type":"x","data":{"object":{}}}""", true, null, 400, "id" },
            { "signed but over the webhook size limit", $$$"""{"id":"evt_6","pad":"{{{new string('x', 300 * 1024)}}}"}""", true, null, 413, null },
            { "over the service body limit", $$$"""{"id":"evt_7","pad":"{{{new string('x', 1100 * 1024)}}}"}""", true, null, 413, null },
        };
    }

    [Theory]
    [MemberData(nameof(WebhookCases))]
    public async Task Bad_webhooks(string name, string body, bool signed, string? signature, int status, string? field)
    {
        using var client = fx.Factory.CreateClient();
        var header = signed ? PaymentsFixture.SignatureHeader(body, PaymentsFixture.WebhookSecret) : signature;
        await AssertRejectedAsync(client, HttpMethod.Post, "/api/payments/webhooks/stripe", Json, body, status, field, name,
            r => { if (header is not null) { r.Headers.TryAddWithoutValidation("Stripe-Signature", header); } });
    }

    [Fact]
    public async Task Every_field_error_of_an_intent_is_reported_at_once()
    {
        using var app = fx.App();

        using var response = await app.PostAsync("/internal/payments/intents", new StringContent(
            """{"bookingId":null,"amount":{"amount":0,"currency":"usd"},"description":""}""", Encoding.UTF8, Json));

        var problem = await response.ReadProblemAsync();
        problem.FieldErrors().Should().BeEquivalentTo("bookingId", "studentId", "amount.amount", "amount.currency", "description", "workflowInstanceId");
    }

    private async Task AssertRejectedAsync(
        HttpClient client, HttpMethod method, string path, string? contentType, string? body, int status, string? field, string name,
        Action<HttpRequestMessage>? configure = null)
    {
        var before = await fx.CountsAsync();
        await client.ShouldRejectAsync(method, path, contentType, body, status, field, name, configure);

        (await fx.CountsAsync()).Should().Be(before, name);
    }

    [Fact]
    public void The_intent_template_is_valid_when_untouched()
    {
        // Guards the table above: every case differs from a request the service accepts in one way only.
        JsonDocument.Parse(Intent()).RootElement.EnumerateObject().Select(p => p.Name)
            .Should().Equal("bookingId", "studentId", "amount", "description", "workflowInstanceId");
    }
}
