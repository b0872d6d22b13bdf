namespace DaprPlatform.Gateway.Domain;

/// <summary>Requests whose path starts with <see cref="Prefix"/> (on a segment boundary) belong to app <see cref="AppId"/>.</summary>
public sealed class ServiceRoute
{
    public string Prefix { get; set; } = string.Empty;

    public string AppId { get; set; } = string.Empty;
}
