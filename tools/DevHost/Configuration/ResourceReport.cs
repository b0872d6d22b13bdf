namespace DaprPlatform.DevHost.Configuration;

/// <summary>One start-up line about a resource that is not a component; a warning when something in it is not acted on at all.</summary>
public sealed record ReportEntry(bool IsWarning, string Text);

/// <summary>
/// What DevHost applies of an app's Configuration, Resiliency resources and declarative subscriptions, and what it ignores:
/// the start-up report next to the component lines of <see cref="ComponentSupport"/>.
/// </summary>
public static class ResourceReport
{
    /// <summary>Lines for <paramref name="resources"/>, whose components are the served ones (refused components are already out).</summary>
    public static IReadOnlyList<ReportEntry> Describe(ResourceSet resources, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var entries = new List<ReportEntry>();
        var components = resources.Components;
        Configuration(resources.Configuration, components, baseDirectory, entries);
        foreach (var r in resources.Resiliency.Sources) { Resiliency(r, components, baseDirectory, entries); }
        foreach (var s in resources.Subscriptions) { Subscription(s, components, baseDirectory, entries); }
        foreach (var (kind, name, file) in resources.Unread)
        {
            entries.Add(new ReportEntry(true, $"{kind} '{name}' ({ComponentSupport.Relative(file, baseDirectory)}) is not served by DevHost; invoking it answers as an unknown app id"));
        }
        return entries;
    }

    private static void Configuration(ConfigurationDefinition config, IReadOnlyList<ComponentDefinition> components, string baseDirectory, List<ReportEntry> entries)
    {
        if (config.SourceFile is null) { return; }
        var title = $"Configuration '{config.Name}' ({ComponentSupport.Relative(config.SourceFile, baseDirectory)})";
        var features = config.EnabledFeatures.Count == 0 ? "none" : string.Join(", ", config.EnabledFeatures);
        var scopes = config.SecretScopes.Count == 0 ? "none" : string.Join(", ", config.SecretScopes.Select(s => s.StoreName));
        var ignored = new List<string>();
        if (config.Tracing is { } t)
        {
            var what = string.Join(", ", new[] { t.SamplingRate is { } rate ? "samplingRate " + rate : null, t.Exporter is { } e ? "export to " + e : null }.OfType<string>());
            ignored.Add($"tracing{(what.Length > 0 ? " (" + what + ")" : "")}: DevHost passes traceparent on (and creates one when a call has none) but records and exports no spans");
        }

        if (config.PipelineHandlers.Count > 0) { ignored.Add("httpPipeline/appHttpPipeline: DevHost runs no middleware"); }
        if (config.OtherSettings.Count > 0) { ignored.Add(string.Join(", ", config.OtherSettings) + " (mTLS, access control, metrics and the like are not enforced)"); }
        entries.Add(new ReportEntry(false,
            $"{title}: applied: features [{features}] (listed in metadata; ActorStateTTL turns on actor state TTL), secrets.scopes for [{scopes}]"
            + (ignored.Count > 0 ? "; not applied: " + string.Join("; ", ignored) : "")));

        // daprd skips a pipeline handler whose middleware component it cannot find; DevHost says so for every handler,
        // since a served middleware component cannot exist (ComponentSupport refuses them).
        foreach (var h in config.PipelineHandlers)
        {
            var present = components.Any(c => c.Name == h.Name);
            entries.Add(new ReportEntry(true,
                $"{title}: {h.Pipeline} handler '{h.Name}' ({h.Type ?? "no type"}) is skipped: "
                + (present ? "DevHost runs no middleware" : "no middleware component of that name is served")
                + "; requests pass through unchanged"));
        }
    }

    private static void Resiliency(ResiliencyResource r, IReadOnlyList<ComponentDefinition> components, string baseDirectory, List<ReportEntry> entries)
    {
        var applied = new List<string>();
        var ignored = new List<string>();
        if (r.Apps.Count > 0) { applied.Add($"targets.apps [{string.Join(", ", r.Apps)}] to service invocation (timeout, retry on transport failures and matching.httpStatusCodes, circuit breaker)"); }
        var pubsubs = components.Where(c => c.Kind == "pubsub").Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var inbound = r.ComponentInbound.Where(pubsubs.Contains).ToList();
        if (inbound.Count > 0) { applied.Add($"targets.components [{string.Join(", ", inbound)}] inbound to pub/sub delivery (timeout, retry, circuit breaker)"); }
        if (r.Actors.Count > 0) { applied.Add($"targets.actors [{string.Join(", ", r.Actors)}] to actor calls (timeout, retry; no circuit breaker)"); }
        var otherInbound = r.ComponentInbound.Where(n => !pubsubs.Contains(n)).ToList();
        if (otherInbound.Count > 0) { ignored.Add($"targets.components [{string.Join(", ", otherInbound)}] inbound (not a pubsub of this app)"); }
        if (r.ComponentOutbound.Count > 0) { ignored.Add($"targets.components [{string.Join(", ", r.ComponentOutbound)}] outbound (DevHost's stores and broker are in-process Postgres calls)"); }
        if (r.MatchesGrpcStatusCodes) { ignored.Add("matching.gRPCStatusCodes (the sidecar API is HTTP)"); }
        var defaults = r.Policies.Where(p => p.StartsWith("Default", StringComparison.Ordinal) && p.EndsWith("Policy", StringComparison.Ordinal)).ToList();
        if (defaults.Count > 0) { ignored.Add($"default policies [{string.Join(", ", defaults)}] (only targets are applied)"); }
        entries.Add(new ReportEntry(false,
            $"Resiliency '{r.Name}' ({ComponentSupport.Relative(r.SourceFile, baseDirectory)}): applied: {(applied.Count > 0 ? string.Join("; ", applied) : "nothing")}"
            + (ignored.Count > 0 ? "; not applied: " + string.Join("; ", ignored) : "")));
    }

    private static void Subscription(SubscriptionDefinition s, IReadOnlyList<ComponentDefinition> components, string baseDirectory, List<ReportEntry> entries)
    {
        var title = $"Subscription '{s.Name ?? "(unnamed)"}' ({(s.SourceFile is null ? "declarative" : ComponentSupport.Relative(s.SourceFile, baseDirectory))})";
        var routes = string.Join(", ", s.Rules.Select(r => r.Path).Concat(s.DefaultRoute is null ? [] : [s.DefaultRoute]).Distinct());
        if (!components.Any(c => c.Kind == "pubsub" && c.Name == s.PubsubName))
        {
            entries.Add(new ReportEntry(true, $"{title}: {s.PubsubName}/{s.Topic} is not delivered: this app has no served pubsub named '{s.PubsubName}'"));
            return;
        }

        var extras = new List<string>();
        if (s.DeadLetterTopic is { Length: > 0 } dlq) { extras.Add("dead letters to " + dlq); }
        if (s.Bulk is { } bulk) { extras.Add($"bulk ({bulk.MaxMessagesCount} messages / {bulk.MaxAwaitDurationMs} ms)"); }
        if (s.RawPayload) { extras.Add("raw payload"); }
        entries.Add(new ReportEntry(false,
            $"{title}: {s.PubsubName}/{s.Topic} → {routes}, delivered by DevHost's durable broker{(extras.Count > 0 ? " (" + string.Join(", ", extras) + ")" : "")}"));
    }
}
