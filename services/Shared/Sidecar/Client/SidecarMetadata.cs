using System.Text.Json;

namespace DaprPlatform.Sidecar;

/// <summary>The parts of GET /v1.0/metadata we read; <see cref="Raw"/> keeps the whole document.</summary>
public sealed record SidecarMetadata(
    string Id,
    string? RuntimeVersion,
    IReadOnlyList<string> EnabledFeatures,
    IReadOnlyList<SidecarComponent> Components,
    IReadOnlyList<SidecarSubscription> Subscriptions,
    IReadOnlyDictionary<string, string> Extended,
    JsonElement Raw);

public sealed record SidecarComponent(string Name, string Type, string? Version, IReadOnlyList<string> Capabilities);

public sealed record SidecarSubscription(
    string PubSubName,
    string Topic,
    string? DeadLetterTopic,
    string? Type,
    IReadOnlyList<SidecarSubscriptionRule> Rules,
    IReadOnlyDictionary<string, string> Metadata);

public sealed record SidecarSubscriptionRule(string? Match, string Path);
