using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr;
using DaprPlatform.ServiceDefaults.Tests.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>
/// UseCloudEventDeliveries + MapTopic as daprd drives them: a CloudEvent (application/cloudevents+json) posted to the route,
/// answered 200 with the subscription API's status; only a readable event with an id reaches the handler.
/// </summary>
public sealed class TopicDeliveryTests : IAsyncLifetime
{
    private const string Route = "/events/widget-created";
    private readonly WidgetHandler _handler = new();
    private InProcessApp _app = null!;

    public sealed record WidgetCreated(Guid WidgetId, string Name);

    /// <summary>Keeps what it was handed; a widget named "retry" is answered RETRY.</summary>
    public sealed class WidgetHandler
    {
        public ConcurrentQueue<TopicEvent<WidgetCreated>> Handled { get; } = new();

        public Task<SubscriberStatus> HandleAsync(TopicEvent<WidgetCreated> delivery)
        {
            Handled.Enqueue(delivery);
            return Task.FromResult(delivery.Data.Name == "retry" ? SubscriberStatus.Retry : SubscriberStatus.Success);
        }
    }

    public async Task InitializeAsync() =>
        _app = await InProcessApp.StartAsync(
            app =>
            {
                app.UseCloudEventDeliveries();
                app.MapSubscribeHandler();
                app.MapTopic<WidgetCreated, WidgetHandler>(Route,
                    new TopicOptions { PubsubName = "pubsub", Name = "widget.created", DeadLetterTopic = "widget.created.deadletter" },
                    (handler, e, _) => handler.HandleAsync(e));
                app.MapPost("/api/widgets", () => Results.Ok()).AllowAnonymous();
            },
            beforeDefaults: b => b.Services.AddSingleton(_handler));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static HttpContent CloudEvent(string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        return content;
    }

    private static string Envelope(string? id, string data) =>
        $$"""{"specversion":"1.0",{{(id is null ? "" : $"\"id\":\"{id}\",")}}"source":"publisher","type":"com.dapr.event.sent","datacontenttype":"application/json","data":{{data}}}""";

    public static TheoryData<string, string, string> Deliveries() => new()
    {
        { "readable", Envelope("evt-ok", """{"widgetId":"9d1c2a3e-0000-0000-0000-000000000001","name":"w"}"""), "SUCCESS" },
        { "handler asks again", Envelope("evt-retry", """{"widgetId":"9d1c2a3e-0000-0000-0000-000000000002","name":"retry"}"""), "RETRY" },
        { "not JSON at all", """{"specversion":"1.0","id":""", "DROP" },
        { "no CloudEvent id", Envelope(null, """{"widgetId":"9d1c2a3e-0000-0000-0000-000000000003","name":"w"}"""), "DROP" },
        { "data of another shape", Envelope("evt-shape", "\"just text\""), "DROP" },
        { "data null", Envelope("evt-null", "null"), "DROP" },
    };

    [Theory]
    [MemberData(nameof(Deliveries))]
    public async Task A_delivery_is_answered_with_the_subscription_APIs_status_and_only_a_readable_event_reaches_the_handler(string name, string body, string status)
    {
        var before = _handler.Handled.Count;

        using var response = await _app.Client.PostAsync(Route, CloudEvent(body));

        response.StatusCode.Should().Be(HttpStatusCode.OK, name);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be(status, name);
        var reached = _handler.Handled.Skip(before).ToList();
        if (status == "DROP")
        {
            reached.Should().BeEmpty(name);
        }
        else
        {
            var handled = reached.Should().ContainSingle(name).Subject;
            handled.Id.Should().Be(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString());
            handled.Data.WidgetId.Should().Be(JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("widgetId").GetGuid());
        }
    }

    [Fact]
    public async Task A_malformed_CloudEvent_on_a_route_that_is_no_subscription_is_a_400_problem()
    {
        using var response = await _app.Client.PostAsync("/api/widgets", CloudEvent("""{"specversion":"1.0","id":"""));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task The_subscribe_handler_lists_the_topic_with_its_dead_letter_topic()
    {
        var subscriptions = await _app.Client.GetFromJsonAsync<JsonElement>("/dapr/subscribe");

        var subscription = subscriptions.EnumerateArray().Should().ContainSingle().Subject;
        subscription.GetProperty("topic").GetString().Should().Be("widget.created");
        subscription.GetProperty("deadLetterTopic").GetString().Should().Be("widget.created.deadletter");
        subscription.GetProperty("route").GetString().Should().Be(Route.TrimStart('/'));
    }
}
