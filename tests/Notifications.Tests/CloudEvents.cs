using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DaprPlatform.Notifications.Tests;

/// <summary>Builds deliveries the way daprd sends them: POST, Content-Type application/cloudevents+json, CloudEvent 1.0 body.</summary>
public static class CloudEvents
{
    public static object UserRegistered(Guid userId, string displayName = "Ada Lovelace", string email = "ada@example.com", string role = "student") => new
    {
        userId,
        email,
        displayName,
        role,
        registeredAt = DateTimeOffset.Parse("2026-11-21T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
    };

    public static HttpContent Envelope(string id, object? data, string topic = "user.registered")
    {
        var envelope = new Dictionary<string, object?>
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = "identity",
            ["type"] = "com.dapr.event.sent",
            ["topic"] = topic,
            ["pubsubname"] = "pubsub",
            ["datacontenttype"] = "application/json",
            ["time"] = "2026-11-21T10:00:01Z",
            ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ["data"] = data,
        };
        var content = new StringContent(JsonSerializer.Serialize(envelope), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        return content;
    }

    public static async Task<string> DeliverAsync(HttpClient client, string id, object? data)
    {
        using var response = await client.PostAsync("/events/user-registered", Envelope(id, data));
        response.IsSuccessStatusCode.Should().BeTrue("the app answers deliveries with 200 + a status (pub/sub reply contract)");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString()!;
    }
}
