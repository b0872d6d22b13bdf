using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>Every bad request to a payout route is problem+json with the right 4xx, never a 500, and nothing is written.</summary>
public sealed class PayoutBadInputTests(PayoutsFixture fx) : IClassFixture<PayoutsFixture>
{
    private const string Json = "application/json";

    public static TheoryData<string, string?, string?, int, string?> ConnectCases() => new()
    {
        // name, content type, body, expected status, expected field error
        { "json null", Json, "null", 400, "returnUrl" },
        { "empty object", Json, "{}", 400, "returnUrl" },
        { "refresh url missing", Json, """{"returnUrl":"https://web.example/done"}""", 400, "refreshUrl" },
        { "return url relative", Json, """{"returnUrl":"/done","refreshUrl":"https://web.example/r"}""", 400, "returnUrl" },
        { "return url not http", Json, """{"returnUrl":"ftp://web.example/done","refreshUrl":"https://web.example/r"}""", 400, "returnUrl" },
        { "refresh url blank", Json, """{"returnUrl":"https://web.example/done","refreshUrl":"  "}""", 400, "refreshUrl" },
        { "return url too long", Json, $$$"""{"returnUrl":"https://web.example/{{{new string('d', 2000)}}}","refreshUrl":"https://web.example/r"}""", 400, "returnUrl" },
        { "url not text", Json, """{"returnUrl":5,"refreshUrl":"https://web.example/r"}""", 400, null },
        { "malformed json", Json, """{"returnUrl":""", 400, null },
        { "json array", Json, "[]", 400, null },
        { "wrong content type", "text/plain", """{"returnUrl":"https://web.example/done","refreshUrl":"https://web.example/r"}""", 415, null },
    };

    [Theory]
    [MemberData(nameof(ConnectCases))]
    public async Task Bad_connect_requests(string name, string? contentType, string? body, int status, string? field)
    {
        var before = await fx.CountsAsync();
        using var tutor = fx.Tutor(Guid.NewGuid());

        await tutor.ShouldRejectAsync(HttpMethod.Post, "/api/payouts/account", contentType, body, status, field, name);

        (await fx.CountsAsync()).Should().Be(before, name);
    }
}
