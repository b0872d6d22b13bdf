using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace DaprPlatform.DevHost.Configuration;

public sealed record SecretKeyRef(string Name, string Key);

public sealed record ComponentMetadataItem(string Name, string? Value, SecretKeyRef? SecretKeyRef);

public sealed record ComponentDefinition(
    string Name,
    string Type,
    string Version,
    IReadOnlyList<ComponentMetadataItem> Metadata,
    string? SecretStore,
    IReadOnlyList<string> Scopes,
    string SourceFile,
    bool IgnoreErrors = false)
{
    /// <summary>Kind of building block: the part of the type before the first dot (state, pubsub, secretstores, bindings …).</summary>
    public string Kind => Type.Split('.')[0];

    public bool IsVisibleTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);

    public string? PlainValue(string name)
        => Metadata.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase) && m.SecretKeyRef is null)?.Value;
}

public sealed record RouteRule(EventMatch? Match, string Path);

public enum SubscriptionType
{
    Declarative,
    Programmatic,
}

public sealed record SubscriptionDefinition(
    string PubsubName,
    string Topic,
    IReadOnlyList<RouteRule> Rules,
    string? DefaultRoute,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Scopes,
    SubscriptionType Type,
    BulkSubscription? Bulk = null,
    string? Name = null,
    string? SourceFile = null)
{
    public bool RawPayload => Metadata.TryGetValue("rawPayload", out var v) && string.Equals(v, "true", StringComparison.OrdinalIgnoreCase);

    public bool IsVisibleTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);
}

/// <summary>
/// A subscription's <c>bulkSubscribe</c> block (docs: pubsub-bulk "Subscribing messages in bulk"; subscription-schema).
/// Only an enabled block changes delivery; unset limits take the documented defaults for components without native bulk
/// subscribe (dapr pkg/runtime/pubsub/default_bulksub.go): 100 messages and 1000 ms.
/// </summary>
public sealed record BulkSubscription(int MaxMessagesCount, int MaxAwaitDurationMs)
{
    public const int DefaultMaxMessagesCount = 100;
    public const int DefaultMaxAwaitDurationMs = 1000;

    /// <summary>The settings for an enabled block; null when disabled (then delivery stays one message per request).</summary>
    public static BulkSubscription? Create(bool enabled, int? maxMessagesCount, int? maxAwaitDurationMs, string where)
    {
        if (!enabled) { return null; }
        if (maxMessagesCount is < 0 || maxAwaitDurationMs is < 0)
        {
            throw new DevHostConfigurationException($"{where}: bulkSubscribe.maxMessagesCount and maxAwaitDurationMs must not be negative.");
        }

        // 0 means "not set", as daprd treats the zero value of these int32 fields.
        return new BulkSubscription(
            maxMessagesCount is > 0 ? maxMessagesCount.Value : DefaultMaxMessagesCount,
            maxAwaitDurationMs is > 0 ? maxAwaitDurationMs.Value : DefaultMaxAwaitDurationMs);
    }
}

public sealed record RetryPolicy(string Name, bool Exponential, TimeSpan Duration, TimeSpan MaxInterval, int MaxRetries, IReadOnlyList<(int From, int To)> MatchingStatusCodes)
{
    /// <summary>Whether an HTTP status code should be retried; with no matching list every failure is retried.</summary>
    public bool Retries(int statusCode) => MatchingStatusCodes.Count == 0 || MatchingStatusCodes.Any(r => statusCode >= r.From && statusCode <= r.To);

    /// <summary>Delay before retry number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        if (!Exponential) { return Duration; }

        // Dapr's exponential policy: 500ms initial interval, x1.5 per attempt, capped by maxInterval.
        var ms = 500 * Math.Pow(1.5, Math.Max(0, attempt - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxInterval.TotalMilliseconds));
    }

    /// <summary>maxRetries -1 means retry forever.</summary>
    public bool MayRetry(int retriesSoFar) => MaxRetries < 0 || retriesSoFar < MaxRetries;
}

public sealed record CircuitBreakerPolicy(string Name, int MaxRequests, TimeSpan Interval, TimeSpan Timeout, int TripAfterConsecutiveFailures);

public sealed record TargetPolicy(TimeSpan? Timeout, RetryPolicy? Retry, CircuitBreakerPolicy? CircuitBreaker);

/// <summary>One Resiliency resource as read, for the start-up report: which targets and policies it names.</summary>
public sealed record ResiliencyResource(
    string Name,
    string SourceFile,
    IReadOnlyList<string> Apps,
    IReadOnlyList<string> ComponentInbound,
    IReadOnlyList<string> ComponentOutbound,
    IReadOnlyList<string> Actors,
    IReadOnlyList<string> Policies,
    bool MatchesGrpcStatusCodes);

public sealed record ResiliencyDefinition(
    IReadOnlyDictionary<string, TargetPolicy> Apps,
    IReadOnlyDictionary<string, TargetPolicy> ComponentInbound,
    IReadOnlyDictionary<string, TargetPolicy> ComponentOutbound,
    IReadOnlyList<ResiliencyResource>? Resources = null)
{
    /// <summary>The Resiliency resources the policies came from (empty when none applies to the app).</summary>
    public IReadOnlyList<ResiliencyResource> Sources => Resources ?? [];

    public static readonly ResiliencyDefinition None = new(
        new Dictionary<string, TargetPolicy>(), new Dictionary<string, TargetPolicy>(), new Dictionary<string, TargetPolicy>());
}

public sealed record SecretScope(string StoreName, bool DefaultAllow, IReadOnlyList<string> Allowed, IReadOnlyList<string> Denied)
{
    public bool Allows(string secret)
    {
        if (Denied.Contains(secret, StringComparer.Ordinal)) { return false; }
        if (Allowed.Count > 0) { return Allowed.Contains(secret, StringComparer.Ordinal); }
        return DefaultAllow;
    }
}

/// <summary>A Configuration's <c>spec.tracing</c>: DevHost reads it only to report what it does not do.</summary>
public sealed record TracingSettings(string? SamplingRate, string? Exporter);

/// <summary>One handler of <c>spec.httpPipeline</c> or <c>spec.appHttpPipeline</c>: a middleware component by name and type.</summary>
public sealed record PipelineHandler(string Pipeline, string Name, string? Type);

public sealed record ConfigurationDefinition(
    string Name,
    IReadOnlyList<string> EnabledFeatures,
    IReadOnlyList<SecretScope> SecretScopes,
    string? SourceFile = null,
    TracingSettings? Tracing = null,
    IReadOnlyList<PipelineHandler>? Pipelines = null,
    IReadOnlyList<string>? UnappliedSettings = null)
{
    /// <summary>Middleware handlers named by httpPipeline and appHttpPipeline.</summary>
    public IReadOnlyList<PipelineHandler> PipelineHandlers => Pipelines ?? [];

    /// <summary>Top-level spec keys DevHost neither applies nor reports separately (mtls, accessControl, metrics, …).</summary>
    public IReadOnlyList<string> OtherSettings => UnappliedSettings ?? [];

    public static readonly ConfigurationDefinition Empty = new("", [], []);
}

/// <summary>Everything one app's sidecar loads from its resources paths and config file.</summary>
public sealed record ResourceSet(
    IReadOnlyList<ComponentDefinition> Components,
    IReadOnlyList<SubscriptionDefinition> Subscriptions,
    ResiliencyDefinition Resiliency,
    ConfigurationDefinition Configuration,
    IReadOnlyList<(string Kind, string Name, string SourceFile)>? UnreadResources = null)
{
    /// <summary>Resources of a kind daprd knows that DevHost does not act on (HTTPEndpoint), for a start-up warning.</summary>
    public IReadOnlyList<(string Kind, string Name, string SourceFile)> Unread => UnreadResources ?? [];
}

public static class ResourceLoader
{
    private static readonly string[] KnownKinds = ["Component", "Subscription", "Resiliency", "Configuration", "HTTPEndpoint"];

    /// <summary>Loads the resources visible to <paramref name="appId"/> (component and subscription scopes applied).</summary>
    public static ResourceSet Load(string appId, IEnumerable<string> resourcesPaths, string? configFilePath)
    {
        var components = new List<ComponentDefinition>();
        var subscriptions = new List<SubscriptionDefinition>();
        var apps = new Dictionary<string, TargetPolicy>(StringComparer.Ordinal);
        var inbound = new Dictionary<string, TargetPolicy>(StringComparer.Ordinal);
        var outbound = new Dictionary<string, TargetPolicy>(StringComparer.Ordinal);
        var resiliencies = new List<ResiliencyResource>();
        var unread = new List<(string, string, string)>();

        foreach (var dir in resourcesPaths)
        {
            if (!Directory.Exists(dir))
            {
                throw new DevHostConfigurationException($"Resources path '{dir}' (app '{appId}') does not exist.");
            }

            foreach (var file in ResourceFiles(dir))
            {
                foreach (var doc in YamlReading.Documents(File.ReadAllText(file)))
                {
                    var header = Deserialize<Header>(doc, file);
                    if (header.Kind is null || !KnownKinds.Contains(header.Kind)) { continue; }
                    var scopes = header.Scopes ?? [];
                    switch (header.Kind)
                    {
                        case "Component":
                            var component = ParseComponent(Deserialize<Resource<ComponentSpecYaml>>(doc, file), file);
                            if (components.Any(c => c.Name == component.Name && c.IsVisibleTo(appId)) && component.IsVisibleTo(appId))
                            {
                                throw new DevHostConfigurationException($"{file}: component '{component.Name}' is defined more than once.");
                            }

                            components.Add(component);
                            break;
                        case "Subscription":
                            var sub = ParseSubscription(Deserialize<Resource<SubscriptionSpecYaml>>(doc, file), header.ApiVersion, file);
                            if (sub.IsVisibleTo(appId)) { subscriptions.Add(sub); }
                            break;
                        case "Resiliency":
                            if (scopes.Count == 0 || scopes.Contains(appId))
                            {
                                resiliencies.Add(ParseResiliency(Deserialize<Resource<ResiliencySpecYaml>>(doc, file), file, apps, inbound, outbound));
                            }

                            break;
                        case "HTTPEndpoint":
                            if (scopes.Count == 0 || scopes.Contains(appId))
                            {
                                unread.Add(("HTTPEndpoint", Deserialize<Resource<object>>(doc, file).Metadata?.Name ?? "(unnamed)", file));
                            }

                            break;
                    }
                }
            }
        }

        var configuration = ConfigurationDefinition.Empty;
        if (configFilePath is not null)
        {
            if (!File.Exists(configFilePath))
            {
                throw new DevHostConfigurationException($"Config file '{configFilePath}' (app '{appId}') does not exist.");
            }

            var doc = YamlReading.Documents(File.ReadAllText(configFilePath)).FirstOrDefault()
                ?? throw new DevHostConfigurationException($"Config file '{configFilePath}' is empty.");
            var config = Deserialize<Resource<ConfigurationSpecYaml>>(doc, configFilePath);
            if (config.Kind != "Configuration")
            {
                throw new DevHostConfigurationException($"Config file '{configFilePath}' must have kind: Configuration (found '{config.Kind}').");
            }

            var specKeys = Deserialize<Resource<Dictionary<string, object>>>(doc, configFilePath).Spec?.Keys.ToList() ?? [];
            var tracing = config.Spec?.Tracing;
            configuration = new ConfigurationDefinition(
                config.Metadata?.Name ?? "",
                (config.Spec?.Features ?? []).Where(f => f.Enabled).Select(f => f.Name ?? "").Where(n => n.Length > 0).ToList(),
                (config.Spec?.Secrets?.Scopes ?? []).Select(s => new SecretScope(
                    s.StoreName ?? "",
                    !string.Equals(s.DefaultAccess, "deny", StringComparison.OrdinalIgnoreCase),
                    s.AllowedSecrets ?? [],
                    s.DeniedSecrets ?? [])).ToList(),
                configFilePath,
                tracing is null ? null : new TracingSettings(tracing.SamplingRate, TracingExporter(tracing)),
                Handlers("httpPipeline", config.Spec?.HttpPipeline).Concat(Handlers("appHttpPipeline", config.Spec?.AppHttpPipeline)).ToList(),
                specKeys.Where(k => k is not ("features" or "secrets" or "tracing" or "httpPipeline" or "appHttpPipeline")).ToList());
        }

        return new ResourceSet(
            components.Where(c => c.IsVisibleTo(appId)).ToList(),
            subscriptions,
            new ResiliencyDefinition(apps, inbound, outbound, resiliencies),
            configuration,
            unread);
    }

    private static IEnumerable<PipelineHandler> Handlers(string pipeline, PipelineYaml? spec)
        => (spec?.Handlers ?? []).Select(h => new PipelineHandler(pipeline, h.Name ?? "", h.Type));

    private static string? TracingExporter(TracingYaml t) =>
        t.Otel?.EndpointAddress is { Length: > 0 } otel ? $"OpenTelemetry ({t.Otel.Protocol ?? "grpc"}) to {otel}"
        : t.Zipkin?.EndpointAddress is { Length: > 0 } zipkin ? $"Zipkin to {zipkin}"
        : t.Stdout ? "stdout"
        : null;

    /// <summary>
    /// Resiliency <c>spec.targets.actors.&lt;type&gt;</c> (timeout and retry only) visible to <paramref name="appId"/>; the actor
    /// runtime reads them lazily, so missing folders are skipped rather than reported (<see cref="Load"/> reports them at start-up).
    /// </summary>
    internal static IReadOnlyDictionary<string, TargetPolicy> LoadActorTargets(string appId, IEnumerable<string> resourcesPaths)
    {
        var result = new Dictionary<string, TargetPolicy>(StringComparer.Ordinal);
        foreach (var dir in resourcesPaths.Where(Directory.Exists))
        {
            foreach (var file in ResourceFiles(dir))
            {
                foreach (var doc in YamlReading.Documents(File.ReadAllText(file)))
                {
                    if (Deserialize<Header>(doc, file).Kind != "Resiliency") { continue; }
                    var r = Deserialize<Resource<ResiliencySpecYaml>>(doc, file);
                    if (r.Spec?.Targets?.Actors is not { Count: > 0 } actors) { continue; }
                    if (r.Scopes is { Count: > 0 } scopes && !scopes.Contains(appId)) { continue; }
                    var policies = ResiliencyPolicies.Parse(r, file);
                    foreach (var (type, target) in actors)
                    {
                        // Circuit breakers are not applied to actor calls, so a breaker named here is neither resolved nor checked.
                        result[type] = policies.Target(new TargetYaml { Timeout = target.Timeout, Retry = target.Retry }, "actors." + type);
                    }
                }
            }
        }

        return result;
    }

    // Like daprd, only the top-level folder is read; sub-folders (e.g. alternatives/) are ignored.
    private static IEnumerable<string> ResourceFiles(string dir)
        => Directory.EnumerateFiles(dir)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);

    private static T Deserialize<T>(string doc, string file)
    {
        try
        {
            return YamlReading.Deserializer.Deserialize<T>(doc);
        }
        catch (YamlException ex)
        {
            throw new DevHostConfigurationException($"{file} is not a valid resource ({ex.Start}): {ex.InnerException?.Message ?? ex.Message}");
        }
    }

    private static ComponentDefinition ParseComponent(Resource<ComponentSpecYaml> r, string file)
    {
        var name = r.Metadata?.Name;
        if (string.IsNullOrWhiteSpace(name)) { throw new DevHostConfigurationException($"{file}: Component has no metadata.name."); }
        if (string.IsNullOrWhiteSpace(r.Spec?.Type)) { throw new DevHostConfigurationException($"{file}: component '{name}' has no spec.type."); }
        var items = new List<ComponentMetadataItem>();
        foreach (var m in r.Spec.Metadata ?? [])
        {
            if (string.IsNullOrWhiteSpace(m.Name)) { throw new DevHostConfigurationException($"{file}: component '{name}' has a metadata item without a name."); }
            SecretKeyRef? secretRef = null;
            if (m.SecretKeyRef is not null)
            {
                if (string.IsNullOrWhiteSpace(m.SecretKeyRef.Name))
                {
                    throw new DevHostConfigurationException($"{file}: component '{name}' metadata '{m.Name}' has a secretKeyRef without a name.");
                }

                // Dapr uses the secret name as key when the key is omitted.
                secretRef = new SecretKeyRef(m.SecretKeyRef.Name, string.IsNullOrWhiteSpace(m.SecretKeyRef.Key) ? m.SecretKeyRef.Name : m.SecretKeyRef.Key);
            }

            items.Add(new ComponentMetadataItem(m.Name, m.Value, secretRef));
        }

        return new ComponentDefinition(name, r.Spec.Type, r.Spec.Version ?? "v1", items, r.Auth?.SecretStore, r.Scopes ?? [], file, r.Spec.IgnoreErrors);
    }

    private static SubscriptionDefinition ParseSubscription(Resource<SubscriptionSpecYaml> r, string? apiVersion, string file)
    {
        var name = r.Metadata?.Name ?? "(unnamed)";
        var spec = r.Spec ?? throw new DevHostConfigurationException($"{file}: Subscription '{name}' has no spec.");
        if (string.IsNullOrWhiteSpace(spec.Pubsubname)) { throw new DevHostConfigurationException($"{file}: Subscription '{name}' has no spec.pubsubname."); }
        if (string.IsNullOrWhiteSpace(spec.Topic)) { throw new DevHostConfigurationException($"{file}: Subscription '{name}' has no spec.topic."); }
        var where = $"{file}: Subscription '{name}'";
        var rules = (spec.Routes?.Rules ?? []).Select(rule => new RouteRule(
            string.IsNullOrWhiteSpace(rule.Match) ? null : EventMatch.Parse(rule.Match, where),
            rule.Path ?? throw new DevHostConfigurationException($"{where}: a route rule has no path."))).ToList();
        var defaultRoute = spec.Routes?.Default ?? (apiVersion == "dapr.io/v1alpha1" || spec.Routes is null ? spec.Route : null) ?? spec.Route;
        if (rules.Count == 0 && string.IsNullOrWhiteSpace(defaultRoute))
        {
            throw new DevHostConfigurationException($"{where} has no route (spec.route, spec.routes.rules or spec.routes.default).");
        }

        var bulk = spec.BulkSubscribe is { } b ? BulkSubscription.Create(b.Enabled, b.MaxMessagesCount, b.MaxAwaitDurationMs, where) : null;
        return new SubscriptionDefinition(spec.Pubsubname, spec.Topic, rules, defaultRoute, spec.DeadLetterTopic,
            spec.Metadata ?? new Dictionary<string, string>(), r.Scopes ?? [], SubscriptionType.Declarative, bulk, r.Metadata?.Name, file);
    }

    private static ResiliencyResource ParseResiliency(
        Resource<ResiliencySpecYaml> r,
        string file,
        Dictionary<string, TargetPolicy> apps,
        Dictionary<string, TargetPolicy> inbound,
        Dictionary<string, TargetPolicy> outbound)
    {
        var policies = ResiliencyPolicies.Parse(r, file);
        foreach (var (id, t) in r.Spec?.Targets?.Apps ?? []) { apps[id] = policies.Target(t, id); }
        foreach (var (name, c) in r.Spec?.Targets?.Components ?? [])
        {
            if (c.Inbound is not null) { inbound[name] = policies.Target(c.Inbound, name + ".inbound"); }
            if (c.Outbound is not null) { outbound[name] = policies.Target(c.Outbound, name + ".outbound"); }
        }

        var targets = r.Spec?.Targets;
        var named = r.Spec?.Policies;
        return new ResiliencyResource(
            r.Metadata?.Name ?? "",
            file,
            (targets?.Apps ?? []).Keys.ToList(),
            (targets?.Components ?? []).Where(kv => kv.Value.Inbound is not null).Select(kv => kv.Key).ToList(),
            (targets?.Components ?? []).Where(kv => kv.Value.Outbound is not null).Select(kv => kv.Key).ToList(),
            (targets?.Actors ?? []).Keys.ToList(),
            (named?.Timeouts ?? []).Keys.Concat((named?.Retries ?? []).Keys).Concat((named?.CircuitBreakers ?? []).Keys).ToList(),
            (named?.Retries ?? []).Values.Any(v => !string.IsNullOrWhiteSpace(v.Matching?.GrpcStatusCodes)));
    }

    /// <summary>The named policies of one Resiliency resource, and how a target (app, component or actor type) resolves against them.</summary>
    private sealed class ResiliencyPolicies(
        string where,
        Dictionary<string, TimeSpan> timeouts,
        Dictionary<string, RetryPolicy> retries,
        Dictionary<string, CircuitBreakerPolicy> breakers)
    {
        public static ResiliencyPolicies Parse(Resource<ResiliencySpecYaml> r, string file)
        {
            var where = $"{file}: Resiliency '{r.Metadata?.Name}'";
            var policies = r.Spec?.Policies;
            return new ResiliencyPolicies(
                where,
                (policies?.Timeouts ?? []).ToDictionary(kv => kv.Key, kv => GoDuration.Parse(kv.Value, $"{where} timeout '{kv.Key}'")),
                (policies?.Retries ?? []).ToDictionary(kv => kv.Key, kv => ParseRetry(kv.Key, kv.Value, where)),
                (policies?.CircuitBreakers ?? []).ToDictionary(kv => kv.Key, kv => ParseBreaker(kv.Key, kv.Value, where)));
        }

        public TargetPolicy Target(TargetYaml? t, string targetName)
        {
            if (t is null) { return new TargetPolicy(null, null, null); }
            TimeSpan? timeout = null;
            if (t.Timeout is not null)
            {
                // A target may name a timeout policy or give a duration inline.
                timeout = timeouts.TryGetValue(t.Timeout, out var named) ? named : GoDuration.Parse(t.Timeout, $"{where} target '{targetName}' timeout");
            }

            RetryPolicy? retry = null;
            if (t.Retry is not null && !retries.TryGetValue(t.Retry, out retry))
            {
                throw new DevHostConfigurationException($"{where}: target '{targetName}' uses retry policy '{t.Retry}', which is not defined.");
            }

            CircuitBreakerPolicy? breaker = null;
            if (t.CircuitBreaker is not null && !breakers.TryGetValue(t.CircuitBreaker, out breaker))
            {
                throw new DevHostConfigurationException($"{where}: target '{targetName}' uses circuit breaker '{t.CircuitBreaker}', which is not defined.");
            }

            return new TargetPolicy(timeout, retry, breaker);
        }
    }

    private static RetryPolicy ParseRetry(string name, RetryYaml y, string where)
    {
        var kind = y.Policy ?? "constant";
        if (kind is not ("constant" or "exponential"))
        {
            throw new DevHostConfigurationException($"{where}: retry '{name}' has policy '{kind}' (expected constant or exponential).");
        }

        var ranges = new List<(int, int)>();
        foreach (var part in (y.Matching?.HttpStatusCodes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (!int.TryParse(bounds[0], CultureInfo.InvariantCulture, out var from) || (bounds.Length > 1 && !int.TryParse(bounds[1], CultureInfo.InvariantCulture, out _)) || bounds.Length > 2)
            {
                throw new DevHostConfigurationException($"{where}: retry '{name}' matching.httpStatusCodes '{y.Matching!.HttpStatusCodes}' is not a list of codes or ranges.");
            }

            ranges.Add((from, bounds.Length > 1 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : from));
        }

        return new RetryPolicy(
            name,
            kind == "exponential",
            y.Duration is null ? TimeSpan.FromSeconds(5) : GoDuration.Parse(y.Duration, $"{where} retry '{name}' duration"),
            y.MaxInterval is null ? TimeSpan.FromSeconds(60) : GoDuration.Parse(y.MaxInterval, $"{where} retry '{name}' maxInterval"),
            y.MaxRetries ?? -1,
            ranges);
    }

    private static CircuitBreakerPolicy ParseBreaker(string name, CircuitBreakerYaml y, string where)
    {
        var trip = System.Text.RegularExpressions.Regex.Match(y.Trip ?? "consecutiveFailures >= 5", @"^\s*consecutiveFailures\s*(>=|>)\s*(\d+)\s*$");
        if (!trip.Success)
        {
            throw new DevHostConfigurationException($"{where}: circuit breaker '{name}' trip '{y.Trip}' is not supported (DevHost evaluates 'consecutiveFailures > N' or '>= N').");
        }

        var n = int.Parse(trip.Groups[2].Value, CultureInfo.InvariantCulture);
        return new CircuitBreakerPolicy(
            name,
            Math.Max(1, y.MaxRequests ?? 1),
            y.Interval is null ? TimeSpan.Zero : GoDuration.Parse(y.Interval, $"{where} circuit breaker '{name}' interval"),
            y.Timeout is null ? TimeSpan.FromSeconds(60) : GoDuration.Parse(y.Timeout, $"{where} circuit breaker '{name}' timeout"),
            trip.Groups[1].Value == ">" ? n + 1 : n);
    }

    private sealed class Header
    {
        [YamlMember(Alias = "apiVersion")] public string? ApiVersion { get; set; }
        [YamlMember(Alias = "kind")] public string? Kind { get; set; }
        [YamlMember(Alias = "scopes")] public List<string>? Scopes { get; set; }
    }

    private sealed class Resource<TSpec>
    {
        [YamlMember(Alias = "apiVersion")] public string? ApiVersion { get; set; }
        [YamlMember(Alias = "kind")] public string? Kind { get; set; }
        [YamlMember(Alias = "metadata")] public ObjectMeta? Metadata { get; set; }
        [YamlMember(Alias = "spec")] public TSpec? Spec { get; set; }
        [YamlMember(Alias = "auth")] public AuthYaml? Auth { get; set; }
        [YamlMember(Alias = "scopes")] public List<string>? Scopes { get; set; }
    }

    private sealed class ObjectMeta
    {
        [YamlMember(Alias = "name")] public string? Name { get; set; }
        [YamlMember(Alias = "namespace")] public string? Namespace { get; set; }
    }

    private sealed class AuthYaml
    {
        [YamlMember(Alias = "secretStore")] public string? SecretStore { get; set; }
    }

    private sealed class ComponentSpecYaml
    {
        [YamlMember(Alias = "type")] public string? Type { get; set; }
        [YamlMember(Alias = "version")] public string? Version { get; set; }
        [YamlMember(Alias = "ignoreErrors")] public bool IgnoreErrors { get; set; }
        [YamlMember(Alias = "metadata")] public List<MetadataItemYaml>? Metadata { get; set; }
    }

    private sealed class MetadataItemYaml
    {
        [YamlMember(Alias = "name")] public string? Name { get; set; }
        [YamlMember(Alias = "value")] public string? Value { get; set; }
        [YamlMember(Alias = "secretKeyRef")] public SecretKeyRefYaml? SecretKeyRef { get; set; }
    }

    private sealed class SecretKeyRefYaml
    {
        [YamlMember(Alias = "name")] public string? Name { get; set; }
        [YamlMember(Alias = "key")] public string? Key { get; set; }
    }

    private sealed class SubscriptionSpecYaml
    {
        [YamlMember(Alias = "pubsubname")] public string? Pubsubname { get; set; }
        [YamlMember(Alias = "topic")] public string? Topic { get; set; }
        [YamlMember(Alias = "route")] public string? Route { get; set; }
        [YamlMember(Alias = "routes")] public RoutesYaml? Routes { get; set; }
        [YamlMember(Alias = "deadLetterTopic")] public string? DeadLetterTopic { get; set; }
        [YamlMember(Alias = "metadata")] public Dictionary<string, string>? Metadata { get; set; }
        [YamlMember(Alias = "bulkSubscribe")] public BulkSubscribeYaml? BulkSubscribe { get; set; }
    }

    private sealed class BulkSubscribeYaml
    {
        [YamlMember(Alias = "enabled")] public bool Enabled { get; set; }
        [YamlMember(Alias = "maxMessagesCount")] public int? MaxMessagesCount { get; set; }
        [YamlMember(Alias = "maxAwaitDurationMs")] public int? MaxAwaitDurationMs { get; set; }
    }

    private sealed class RoutesYaml
    {
        [YamlMember(Alias = "rules")] public List<RuleYaml>? Rules { get; set; }
        [YamlMember(Alias = "default")] public string? Default { get; set; }
    }

    private sealed class RuleYaml
    {
        [YamlMember(Alias = "match")] public string? Match { get; set; }
        [YamlMember(Alias = "path")] public string? Path { get; set; }
    }

    private sealed class ResiliencySpecYaml
    {
        [YamlMember(Alias = "policies")] public PoliciesYaml? Policies { get; set; }
        [YamlMember(Alias = "targets")] public TargetsYaml? Targets { get; set; }
    }

    private sealed class PoliciesYaml
    {
        [YamlMember(Alias = "timeouts")] public Dictionary<string, string>? Timeouts { get; set; }
        [YamlMember(Alias = "retries")] public Dictionary<string, RetryYaml>? Retries { get; set; }
        [YamlMember(Alias = "circuitBreakers")] public Dictionary<string, CircuitBreakerYaml>? CircuitBreakers { get; set; }
    }

    private sealed class RetryYaml
    {
        [YamlMember(Alias = "policy")] public string? Policy { get; set; }
        [YamlMember(Alias = "duration")] public string? Duration { get; set; }
        [YamlMember(Alias = "maxInterval")] public string? MaxInterval { get; set; }
        [YamlMember(Alias = "maxRetries")] public int? MaxRetries { get; set; }
        [YamlMember(Alias = "matching")] public MatchingYaml? Matching { get; set; }
    }

    private sealed class MatchingYaml
    {
        [YamlMember(Alias = "httpStatusCodes")] public string? HttpStatusCodes { get; set; }
        [YamlMember(Alias = "gRPCStatusCodes")] public string? GrpcStatusCodes { get; set; }
    }

    private sealed class CircuitBreakerYaml
    {
        [YamlMember(Alias = "maxRequests")] public int? MaxRequests { get; set; }
        [YamlMember(Alias = "interval")] public string? Interval { get; set; }
        [YamlMember(Alias = "timeout")] public string? Timeout { get; set; }
        [YamlMember(Alias = "trip")] public string? Trip { get; set; }
    }

    private sealed class TargetsYaml
    {
        [YamlMember(Alias = "apps")] public Dictionary<string, TargetYaml>? Apps { get; set; }
        [YamlMember(Alias = "components")] public Dictionary<string, ComponentTargetYaml>? Components { get; set; }
        [YamlMember(Alias = "actors")] public Dictionary<string, TargetYaml>? Actors { get; set; }
    }

    private sealed class TargetYaml
    {
        [YamlMember(Alias = "timeout")] public string? Timeout { get; set; }
        [YamlMember(Alias = "retry")] public string? Retry { get; set; }
        [YamlMember(Alias = "circuitBreaker")] public string? CircuitBreaker { get; set; }
    }

    private sealed class ComponentTargetYaml
    {
        [YamlMember(Alias = "inbound")] public TargetYaml? Inbound { get; set; }
        [YamlMember(Alias = "outbound")] public TargetYaml? Outbound { get; set; }
    }

    private sealed class ConfigurationSpecYaml
    {
        [YamlMember(Alias = "features")] public List<FeatureYaml>? Features { get; set; }
        [YamlMember(Alias = "secrets")] public SecretsYaml? Secrets { get; set; }
        [YamlMember(Alias = "tracing")] public TracingYaml? Tracing { get; set; }
        [YamlMember(Alias = "httpPipeline")] public PipelineYaml? HttpPipeline { get; set; }
        [YamlMember(Alias = "appHttpPipeline")] public PipelineYaml? AppHttpPipeline { get; set; }
    }

    private sealed class TracingYaml
    {
        [YamlMember(Alias = "samplingRate")] public string? SamplingRate { get; set; }
        [YamlMember(Alias = "stdout")] public bool Stdout { get; set; }
        [YamlMember(Alias = "otel")] public TracingEndpointYaml? Otel { get; set; }
        [YamlMember(Alias = "zipkin")] public TracingEndpointYaml? Zipkin { get; set; }
    }

    private sealed class TracingEndpointYaml
    {
        [YamlMember(Alias = "endpointAddress")] public string? EndpointAddress { get; set; }
        [YamlMember(Alias = "protocol")] public string? Protocol { get; set; }
    }

    private sealed class PipelineYaml
    {
        [YamlMember(Alias = "handlers")] public List<PipelineHandlerYaml>? Handlers { get; set; }
    }

    private sealed class PipelineHandlerYaml
    {
        [YamlMember(Alias = "name")] public string? Name { get; set; }
        [YamlMember(Alias = "type")] public string? Type { get; set; }
    }

    private sealed class FeatureYaml
    {
        [YamlMember(Alias = "name")] public string? Name { get; set; }
        [YamlMember(Alias = "enabled")] public bool Enabled { get; set; }
    }

    private sealed class SecretsYaml
    {
        [YamlMember(Alias = "scopes")] public List<SecretScopeYaml>? Scopes { get; set; }
    }

    private sealed class SecretScopeYaml
    {
        [YamlMember(Alias = "storeName")] public string? StoreName { get; set; }
        [YamlMember(Alias = "defaultAccess")] public string? DefaultAccess { get; set; }
        [YamlMember(Alias = "allowedSecrets")] public List<string>? AllowedSecrets { get; set; }
        [YamlMember(Alias = "deniedSecrets")] public List<string>? DeniedSecrets { get; set; }
    }
}
