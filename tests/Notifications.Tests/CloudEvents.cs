using DaprPlatform.TestSupport;

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

    public static HttpContent Envelope(string id, object? data, string topic = "user.registered") =>
        CloudEventDelivery.Envelope(id, data, topic, source: "identity", new Dictionary<string, object?>
        {
            ["time"] = "2026-11-21T10:00:01Z",
            ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        });

    public static async Task<string> DeliverAsync(HttpClient client, string id, object? data)
    {
        using var envelope = Envelope(id, data);
        return await client.DeliverAsync("/events/user-registered", envelope);
    }

    /// <summary>Delivers <paramref name="data"/> (serialized as the services publish it, camelCase) to a subscription route; the route names the topic.</summary>
    public static async Task<string> DeliverToAsync(HttpClient client, string route, string id, object data)
    {
        using var envelope = Envelope(id, System.Text.Json.JsonSerializer.SerializeToElement(data, System.Text.Json.JsonSerializerOptions.Web), topic: route);
        return await client.DeliverAsync(route, envelope);
    }
}
