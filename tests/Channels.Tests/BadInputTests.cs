using System.Globalization;
using System.Text;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Channels.Tests;

/// <summary>Every bad request is problem+json with the right 4xx, never a 500, and the database is unchanged.</summary>
public sealed class BadInputTests(ChannelsFixture fx) : IClassFixture<ChannelsFixture>
{
    private const string Json = "application/json";
    private const string Secret = ChannelsFixture.WebhookSecret;

    public static TheoryData<string, string, string?, string?, int, string?> ChannelCases() => new()
    {
        // name, path, content type, body, expected status, expected field error
        { "telegram missing", "/api/channels", Json, "{}", 400, "telegram" },
        { "telegram blank", "/api/channels", Json, """{"telegram":"   "}""", 400, "telegram" },
        { "username too short", "/api/channels", Json, """{"telegram":"@abc"}""", 400, "telegram" },
        { "username too long", "/api/channels", Json, $$$$"""{"telegram":"@{{{{new string('a', 33)}}}}"}""", 400, "telegram" },
        { "username starts with digit", "/api/channels", Json, """{"telegram":"@1channel"}""", 400, "telegram" },
        { "username with dash", "/api/channels", Json, """{"telegram":"@my-channel"}""", 400, "telegram" },
        { "not a chat id", "/api/channels", Json, """{"telegram":"drop table channels"}""", 400, "telegram" },
        { "chat id overflow", "/api/channels", Json, """{"telegram":"-99999999999999999999999"}""", 400, "telegram" },
        { "chat id zero", "/api/channels", Json, """{"telegram":"0"}""", 400, "telegram" },
        { "telegram wrong type", "/api/channels", Json, """{"telegram":12}""", 400, null },
        { "json null", "/api/channels", Json, "null", 400, "body" },
        { "malformed json", "/api/channels", Json, """{"telegram":"@abcde""", 400, null },
        { "wrong content type", "/api/channels", "text/plain", """{"telegram":"@abcdef"}""", 415, null },
        { "oversized body", "/api/channels", Json, $$$$"""{"telegram":"@abcdef","x":"{{{{new string('x', 1100 * 1024)}}}}"}""", 413, null },
        { "page 0", "/api/channels?page=0", null, null, 400, "page" },
        { "page size too big", "/api/channels?pageSize=101", null, null, 400, "pageSize" },
        { "page size text", "/api/channels?pageSize=ten", null, null, 400, "pageSize" },
        { "non-guid id", "/api/channels/not-a-guid", null, null, 404, null },
    };

    [Theory]
    [MemberData(nameof(ChannelCases))]
    public async Task Bad_channel_requests(string name, string path, string? contentType, string? body, int status, string? field)
    {
        var method = body is null ? HttpMethod.Get : HttpMethod.Post;
        using var client = fx.Owner(Guid.NewGuid());
        await AssertRejectedAsync(client, method, path, contentType, body, status, field, name);
    }

    public static TheoryData<string, string?, string?, string?, int, string?> WebhookCases()
    {
        var chat = "-1009999999999";
        return new()
        {
            // name, secret, content type, body, expected status, expected field error
            { "no secret", null, Json, """{"update_id":1}""", 401, null },
            { "forged secret", "forged", Json, """{"update_id":1}""", 401, null },
            { "secret prefix", Secret[..^1], Json, """{"update_id":1}""", 401, null },
            { "secret with suffix", Secret + "x", Json, """{"update_id":1}""", 401, null },
            { "malformed json", Secret, Json, """{"update_id":""", 400, null },
            { "json array", Secret, Json, "[1,2]", 400, null },
            { "json null", Secret, Json, "null", 400, "body" },
            { "update_id missing", Secret, Json, $$$$"""{"channel_post":{"message_id":1,"chat":{"id":{{{{chat}}}}}}}""", 400, "update_id" },
            { "update_id text", Secret, Json, """{"update_id":"seven"}""", 400, null },
            { "update_id fraction", Secret, Json, """{"update_id":1.5}""", 400, null },
            { "channel_post without chat", Secret, Json, """{"update_id":5,"channel_post":{"message_id":1,"date":1}}""", 400, "channel_post.chat" },
            { "reaction count without chat", Secret, Json, """{"update_id":5,"message_reaction_count":{"message_id":1,"reactions":[]}}""", 400, "message_reaction_count.chat" },
            { "chat_member without chat", Secret, Json, """{"update_id":5,"chat_member":{"date":1}}""", 400, "chat_member.chat" },
            { "date out of range", Secret, Json, $$$$"""{"update_id":5,"channel_post":{"message_id":1,"chat":{"id":{{{{chat}}}}},"date":-5}}""", 400, "channel_post.date" },
            { "date past year 9999", Secret, Json, $$$$"""{"update_id":5,"channel_post":{"message_id":1,"chat":{"id":{{{{chat}}}}},"date":999999999999}}""", 400, null },
            { "update_id beyond 32 bits", Secret, Json, """{"update_id":4294967296}""", 400, "update_id" },
            { "update_id negative", Secret, Json, $$$$"""{"update_id":-3,"channel_post":{"message_id":1,"chat":{"id":{{{{chat}}}}}}}""", 400, "update_id" },
            { "chat member without status", Secret, Json, $$$$"""{"update_id":5,"chat_member":{"chat":{"id":{{{{chat}}}}},"date":1,"new_chat_member":{"user":{"id":2} } } }""", 400, null },
            { "unknown reaction type", Secret, Json, $$$$"""{"update_id":5,"message_reaction_count":{"chat":{"id":{{{{chat}}}}},"message_id":1,"date":1,"reactions":[{"type":{"type":"laser"},"total_count":1}]}}""", 400, null },
            { "wrong content type", Secret, "text/plain", """{"update_id":1}""", 415, null },
            { "oversized body", Secret, Json, $$$$"""{"update_id":1,"x":"{{{{new string('x', 1100 * 1024)}}}}"}""", 413, null },
        };
    }

    [Theory]
    [MemberData(nameof(WebhookCases))]
    public async Task Bad_webhook_requests(string name, string? secret, string? contentType, string? body, int status, string? field)
    {
        using var client = fx.Factory.CreateClient();
        await AssertRejectedAsync(client, HttpMethod.Post, "/api/telegram/webhook", contentType, body, status, field, name,
            r => { if (secret is not null) { r.Headers.TryAddWithoutValidation("X-Telegram-Bot-Api-Secret-Token", secret); } });
    }

    public static TheoryData<string, string?, string?, int, string?> MetricsCases()
    {
        var now = DateTimeOffset.UtcNow;
        string At(TimeSpan offset) => now.Add(offset).ToString("O", CultureInfo.InvariantCulture);
        string Sample(string id = "s1", string kind = "views", string value = "1", string? at = null) =>
            $$$$"""{"id":"{{{{id}}}}","kind":"{{{{kind}}}}","value":{{{{value}}}},"at":"{{{{at ?? At(TimeSpan.Zero)}}}}"}""";
        var limit = string.Join(",", Enumerable.Range(0, 1001).Select(i => Sample($"s{i}")));
        return new()
        {
            // name, content type, body, expected status, expected field error
            { "empty batch", Json, """{"samples":[]}""", 400, "samples" },
            { "samples missing", Json, "{}", 400, "samples" },
            { "samples null", Json, """{"samples":null}""", 400, "samples" },
            { "over the batch limit (1000)", Json, $$$$"""{"samples":[{{{{limit}}}}]}""", 400, "samples" },
            { "unknown kind", Json, $$$$"""{"samples":[{{{{Sample()}}}},{{{{Sample("s2")}}}},{{{{Sample("s3")}}}},{{{{Sample("s4", kind: "likes")}}}}]}""", 400, "samples[3].kind" },
            { "kind wrong case", Json, $$$$"""{"samples":[{{{{Sample(kind: "Views")}}}}]}""", 400, "samples[0].kind" },
            { "kind missing", Json, $$$$"""{"samples":[{"id":"a","value":1,"at":"{{{{At(TimeSpan.Zero)}}}}"}]}""", 400, "samples[0].kind" },
            { "negative value", Json, $$$$"""{"samples":[{{{{Sample(value: "-1")}}}}]}""", 400, "samples[0].value" },
            { "value missing", Json, $$$$"""{"samples":[{"id":"a","kind":"views","at":"{{{{At(TimeSpan.Zero)}}}}"}]}""", 400, "samples[0].value" },
            { "at six minutes ahead", Json, $$$$"""{"samples":[{{{{Sample(at: At(TimeSpan.FromMinutes(6)))}}}}]}""", 400, "samples[0].at" },
            { "at missing", Json, """{"samples":[{"id":"a","kind":"views","value":1}]}""", 400, "samples[0].at" },
            { "id missing", Json, $$$$"""{"samples":[{"kind":"views","value":1,"at":"{{{{At(TimeSpan.Zero)}}}}"}]}""", 400, "samples[0].id" },
            { "id blank", Json, $$$$"""{"samples":[{{{{Sample(id: " ")}}}}]}""", 400, "samples[0].id" },
            { "id too long", Json, $$$$"""{"samples":[{{{{Sample(id: new string('i', 129))}}}}]}""", 400, "samples[0].id" },
            { "duplicate id in batch", Json, $$$$"""{"samples":[{{{{Sample("x")}}}},{{{{Sample("y")}}}},{{{{Sample("x")}}}}]}""", 400, "samples[2].id" },
            { "null sample", Json, $$$$"""{"samples":[{{{{Sample()}}}},null]}""", 400, "samples[1]" },
            { "value fraction", Json, $$$$"""{"samples":[{{{{Sample(value: "1.5")}}}}]}""", 400, null },
            { "value text", Json, $$$$"""{"samples":[{{{{Sample(value: "\"many\"")}}}}]}""", 400, null },
            { "at not a time", Json, """{"samples":[{"id":"a","kind":"views","value":1,"at":"yesterday"}]}""", 400, null },
            { "json null", Json, "null", 400, "body" },
            { "malformed json", Json, """{"samples":[""", 400, null },
            { "wrong content type", "text/plain", $$$$"""{"samples":[{{{{Sample()}}}}]}""", 415, null },
        };
    }

    [Theory]
    [MemberData(nameof(MetricsCases))]
    public async Task Bad_metric_batches_ingest_nothing(string name, string? contentType, string? body, int status, string? field)
    {
        var owner = Guid.NewGuid();
        var channel = await fx.RegisterAsync(owner);
        using var client = fx.Owner(owner);
        await AssertRejectedAsync(client, HttpMethod.Post, $"/api/channels/{channel.GetProperty("id").GetGuid()}/metrics", contentType, body, status, field, name);
    }

    [Fact]
    public async Task Every_error_of_a_batch_is_reported_at_once()
    {
        var owner = Guid.NewGuid();
        var channel = await fx.RegisterAsync(owner);
        using var client = fx.Owner(owner);
        var future = DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture);
        var body = $$$$"""{"samples":[{"id":"a","kind":"views","value":1,"at":"{{{{future}}}}"},{"id":"b","kind":"nope","value":-2,"at":"{{{{future}}}}"}]}""";

        using var response = await client.PostAsync($"/api/channels/{channel.GetProperty("id").GetGuid()}/metrics", new StringContent(body, Encoding.UTF8, Json));

        var problem = await response.ReadProblemAsync();
        problem.FieldErrors().Should().BeEquivalentTo("samples[0].at", "samples[1].kind", "samples[1].value", "samples[1].at");
    }

    private async Task AssertRejectedAsync(
        HttpClient client, HttpMethod method, string path, string? contentType, string? body, int status, string? field, string name,
        Action<HttpRequestMessage>? configure = null)
    {
        var before = await fx.CountsAsync();
        await client.ShouldRejectAsync(method, path, contentType, body, status, field, name, configure);

        (await fx.CountsAsync()).Should().Be(before, name);
    }
}
