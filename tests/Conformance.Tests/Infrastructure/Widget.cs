namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>The JSON payload the suite stores and publishes; Id carries a per-test marker.</summary>
public sealed record Widget(string Id, int N, string Name = "widget");

public static class Marker
{
    public static string New(string what) => $"{what}-{Guid.NewGuid():N}";
}
