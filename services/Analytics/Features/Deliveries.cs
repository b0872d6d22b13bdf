using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.Metadata;

namespace DaprPlatform.Analytics.Features;

/// <summary>What the subscription routes share: reading a delivery that <c>app.UseCloudEvents()</c> has unwrapped.</summary>
public static class Deliveries
{
    /// <summary>Bulk deliveries carry many events in one body, far above the 1 MiB API limit; this replaces it on delivery routes.</summary>
    public const long MaxDeliveryBytes = 64L * 1024 * 1024;

    public static IRequestSizeLimitMetadata BodyLimit { get; } = new DeliveryBodyLimit(MaxDeliveryBytes);

    public static string? EventId(HttpRequest request) =>
        request.Headers[TopicDelivery.CloudEventIdHeader].ToString() is { Length: > 0 } id ? id : null;

    /// <summary>The event's data, or null when it is not JSON of that shape (such an event can never succeed: it is dropped).</summary>
    public static T? TryRead<T>(JsonElement data)
        where T : class
    {
        try
        {
            return data.ValueKind == JsonValueKind.Object ? data.Deserialize<T>(JsonSerializerOptions.Web) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The unwrapped body as JSON; default when it is empty or not JSON.</summary>
    public static async Task<JsonElement> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private sealed record DeliveryBodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
