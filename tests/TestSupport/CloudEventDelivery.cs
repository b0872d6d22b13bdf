using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FluentAssertions;

namespace DaprPlatform.TestSupport;

/// <summary>Pub/sub deliveries as daprd makes them: POST of a CloudEvent 1.0 body (application/cloudevents+json) to the app's route.</summary>
public static class CloudEventDelivery
{
    /// <summary>
    /// A CloudEvent 1.0 envelope of pubsub "pubsub" around <paramref name="data"/>; <paramref name="attributes"/> adds more
    /// (time, traceparent). <paramref name="options"/> serializes the whole body (null: the serializer's defaults).
    /// </summary>
    public static HttpContent Envelope(
        string id, object? data, string topic, string source, IReadOnlyDictionary<string, object?>? attributes = null, JsonSerializerOptions? options = null)
    {
        var envelope = new Dictionary<string, object?>
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = source,
            ["type"] = "com.dapr.event.sent",
            ["topic"] = topic,
            ["pubsubname"] = "pubsub",
            ["datacontenttype"] = "application/json",
        };
        foreach (var (name, value) in attributes ?? new Dictionary<string, object?>())
        {
            envelope[name] = value;
        }

        envelope["data"] = data;
        var content = new StringContent(JsonSerializer.Serialize(envelope, options), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        return content;
    }

    /// <summary>Posts <paramref name="envelope"/> to <paramref name="route"/> and returns the app's reply status (SUCCESS / RETRY / DROP).</summary>
    public static async Task<string> DeliverAsync(this HttpClient client, string route, HttpContent envelope)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsync(route, envelope);
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue("the app answers deliveries with 200 + a status (pub/sub reply contract): {0}", body);
        using var reply = JsonDocument.Parse(body);
        return reply.RootElement.GetProperty("status").GetString()!;
    }
}
