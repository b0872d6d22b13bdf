using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar.Subscriptions;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sidecar.Tests.Subscriptions;

/// <summary>Each call a bulk handler got: the entry ids it was handed.</summary>
public sealed class BulkCalls
{
    public ConcurrentQueue<IReadOnlyList<string>> Calls { get; } = new();
}

/// <summary>Answers per entry by the email's local part: "retry@" → RETRY, "drop@" → DROP, "silent@" → no status; "throw@" anywhere → exception.</summary>
public sealed class UserRegisteredBulkHandler(BulkCalls calls) : IBulkTopicHandler<UserRegistered>
{
    public Task<BulkTopicResponse> HandleAsync(BulkTopicMessage<UserRegistered> message, CancellationToken ct)
    {
        calls.Calls.Enqueue(message.Entries.Select(e => e.EntryId).ToList());
        if (message.Entries.Any(e => e.Event.Email.StartsWith("throw@", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("bulk handler failed");
        }

        var statuses = message.Entries
            .Where(e => !e.Event.Email.StartsWith("silent@", StringComparison.Ordinal))
            .Select(e => new BulkTopicEntryStatus(e.EntryId, e.Event.Email switch
            {
                var m when m.StartsWith("retry@", StringComparison.Ordinal) => TopicResponse.Retry,
                var m when m.StartsWith("drop@", StringComparison.Ordinal) => TopicResponse.Drop,
                _ => TopicResponse.Success,
            }))
            .ToList();
        return Task.FromResult(new BulkTopicResponse(statuses));
    }
}

public sealed class BulkSubscriptionTests : IAsyncLifetime
{
    private LoopbackApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await LoopbackApp.StartAsync(
            app => app.MapSidecarEndpoints(),
            configure: builder =>
            {
                builder.Services.AddSingleton<HandledEvents>();
                builder.Services.AddSingleton<BulkCalls>();
                builder.Services.AddSidecarClient(_ => { });
                builder.Services.AddTopicHandler<UserRegistered, UserRegisteredHandler>("pubsub", "users.each", "/events/each", bulk: new BulkSubscribeOptions(50, 250));
                builder.Services.AddBulkTopicHandler<UserRegistered, UserRegisteredBulkHandler>("pubsub", "users.all", "/events/all", deadLetterTopic: "users.dead");
                builder.Services.AddTopicHandler<string, SubscriptionApp.TextHandler>("pubsub", "notes", "/events/notes");
            });
        _http = new HttpClient { BaseAddress = _app.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static object Entry(string entryId, object data, string? id = null) => new
    {
        entryId,
        @event = new { specversion = "1.0", id = id ?? "ce-" + entryId, source = "identity", type = "com.dapr.event.sent", datacontenttype = "application/json", data },
        metadata = new { },
        contentType = "application/cloudevents+json",
    };

    private static object User(string email) => new { userId = Guid.NewGuid(), email };

    /// <summary>Posts a bulk body as daprd does (pubsub_api "Bulk subscribe") and returns entryId → status.</summary>
    private async Task<Dictionary<string, string>> DeliverBulkAsync(string route, params object[] entries)
    {
        var body = new { id = Guid.NewGuid().ToString(), type = "com.dapr.event.sent.bulk", topic = "users", pubsubname = "pubsub", metadata = new { pubsubName = "pubsub" }, entries };
        using var response = await _http.PostAsync(route, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("statuses").EnumerateArray()
            .ToDictionary(s => s.GetProperty("entryId").GetString()!, s => s.GetProperty("status").GetString()!);
    }

    [Fact]
    public async Task Dapr_subscribe_advertises_bulkSubscribe_only_for_bulk_subscriptions()
    {
        using var response = await _http.GetAsync("/dapr/subscribe");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = json.RootElement.EnumerateArray().ToDictionary(i => i.GetProperty("topic").GetString()!, i => i.Clone());

        // Programmatic subscription item: bulkSubscribe {enabled, maxMessagesCount, maxAwaitDurationMs}.
        var each = items["users.each"].GetProperty("bulkSubscribe");
        (each.GetProperty("enabled").GetBoolean(), each.GetProperty("maxMessagesCount").GetInt32(), each.GetProperty("maxAwaitDurationMs").GetInt32()).Should().Be((true, 50, 250));

        // Defaults for components without native bulk subscribe: 100 messages, 1000 ms.
        var all = items["users.all"].GetProperty("bulkSubscribe");
        (all.GetProperty("enabled").GetBoolean(), all.GetProperty("maxMessagesCount").GetInt32(), all.GetProperty("maxAwaitDurationMs").GetInt32()).Should().Be((true, 100, 1000));
        items["notes"].TryGetProperty("bulkSubscribe", out _).Should().BeFalse();
    }

    [Fact]
    public async Task A_per_message_handler_gets_each_entry_and_every_entry_gets_its_own_status()
    {
        var statuses = await DeliverBulkAsync("/events/each",
            Entry("1", User("ada@example.com")),
            Entry("2", User("retry@example.com")),
            Entry("3", User("drop@example.com")),
            Entry("4", User("throw@example.com")),
            Entry("5", 42));

        // Bulk reply: {"statuses":[{entryId, status}]} — one per entry; unreadable data → DROP for that entry only; a throwing handler → RETRY.
        statuses.Should().BeEquivalentTo(new Dictionary<string, string> { ["1"] = "SUCCESS", ["2"] = "RETRY", ["3"] = "DROP", ["4"] = "RETRY", ["5"] = "DROP" });
        _app.Services.GetRequiredService<HandledEvents>().Items.Select(i => i.Envelope.Id).Should().BeEquivalentTo(["ce-1", "ce-2", "ce-3", "ce-4"]);
    }

    [Fact]
    public async Task A_bulk_handler_gets_all_readable_entries_in_one_call()
    {
        var statuses = await DeliverBulkAsync("/events/all",
            Entry("a", User("ada@example.com")),
            Entry("b", User("drop@example.com")),
            Entry("c", User("silent@example.com")),
            Entry("d", "not a user"),
            new { entryId = "e", @event = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(User("raw@example.com"), JsonSerializerOptions.Web)), metadata = new { }, contentType = "application/octet-stream" });

        // One call with the readable entries (a raw-payload entry's base64 event included); the unreadable one is DROPped unseen.
        _app.Services.GetRequiredService<BulkCalls>().Calls.Should().ContainSingle().Which.Should().BeEquivalentTo(["a", "b", "c", "e"]);

        // An entry the handler gives no status is reported RETRY (what the sidecar assumes for a missing entry).
        statuses.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "SUCCESS", ["b"] = "DROP", ["c"] = "RETRY", ["d"] = "DROP", ["e"] = "SUCCESS" });
    }

    [Fact]
    public async Task A_throwing_bulk_handler_retries_its_entries_and_still_drops_the_unreadable_ones()
    {
        var statuses = await DeliverBulkAsync("/events/all", Entry("x", User("throw@example.com")), Entry("y", User("ada@example.com")), Entry("z", 7));

        statuses.Should().BeEquivalentTo(new Dictionary<string, string> { ["x"] = "RETRY", ["y"] = "RETRY", ["z"] = "DROP" });
    }

    [Theory]
    [InlineData("ada@example.com", "SUCCESS")]
    [InlineData("retry@example.com", "RETRY")]
    [InlineData("drop@example.com", "DROP")]
    [InlineData("silent@example.com", "RETRY")]
    public async Task A_single_CloudEvent_on_a_bulk_route_gets_a_single_status(string email, string expected)
    {
        // A sidecar without bulk support for the component delivers one CloudEvent per request; the reply is {"status": …}.
        var ce = JsonSerializer.Serialize(new { specversion = "1.0", id = "single-1", source = "identity", type = "com.dapr.event.sent", datacontenttype = "application/json", data = User(email) });
        using var response = await _http.PostAsync("/events/all", new StringContent(ce, Encoding.UTF8, "application/cloudevents+json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("status").GetString().Should().Be(expected);
        _app.Services.GetRequiredService<BulkCalls>().Calls.Should().ContainSingle().Which.Should().Equal("single-1");
    }
}
