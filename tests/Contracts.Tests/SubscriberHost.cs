using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Contracts.Tests;

/// <summary>
/// The subscriber side the services run, in memory: Dapr.AspNetCore's CloudEvents middleware as ServiceDefaults sets it up
/// (<see cref="TopicDelivery.UseCloudEventDeliveries"/>) and one <see cref="TopicDelivery.MapTopic{TData, THandler}"/> route per
/// consumer record. A delivery is read exactly as in the service; the handler keeps what it got.
/// </summary>
public sealed class SubscriberHost : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<PubSubDeliveryMetrics>();
        builder.Services.AddSingleton<DeliveredEvents>();
        _app = builder.Build();
        _app.UseCloudEventDeliveries();
        foreach (var consumer in Consumers.All)
        {
            consumer.Map(_app);
        }

        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null) { await _app.DisposeAsync(); }
    }

    public static string RouteOf(string topic, Type data) => $"/events/{topic}/{data.FullName}";

    /// <summary>Delivers <paramref name="data"/> as daprd does (a CloudEvent 1.0 with JSON data) and returns what the consumer record read, or null when the delivery was dropped.</summary>
    public async Task<object?> DeliverAsync(string topic, Type consumer, JsonElement data)
    {
        var id = Guid.NewGuid().ToString();
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = "contracts-tests",
            ["type"] = "com.dapr.event.sent",
            ["datacontenttype"] = "application/json",
            ["topic"] = topic,
            ["pubsubname"] = PlatformTopics.PubSub,
            ["data"] = JsonNode.Parse(data.GetRawText()),
        };
        using var content = new StringContent(cloudEvent.ToJsonString(), Encoding.UTF8, "application/cloudevents+json");
        using var response = await _client!.PostAsync(RouteOf(topic, consumer), content);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return answer.GetProperty("status").GetString() == "SUCCESS" ? _app!.Services.GetRequiredService<DeliveredEvents>().Take(id) : null;
    }
}

/// <summary>The handler of every test route: keeps each delivered record by its CloudEvent id.</summary>
public sealed class DeliveredEvents
{
    private readonly ConcurrentDictionary<string, object> _byId = new(StringComparer.Ordinal);

    public SubscriberStatus Record<T>(TopicEvent<T> delivered)
    {
        _byId[delivered.Id] = delivered.Data!;
        return SubscriberStatus.Success;
    }

    public object? Take(string id) => _byId.TryRemove(id, out var data) ? data : null;
}
