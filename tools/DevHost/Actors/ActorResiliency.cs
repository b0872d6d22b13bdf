using System.Globalization;
using DaprPlatform.DevHost.Configuration;
using YamlDotNet.Serialization;

namespace DaprPlatform.DevHost.Actors;

/// <summary>
/// Resiliency <c>spec.targets.actors.&lt;type&gt;</c> (timeout and retry) from the Resiliency resources in an app's
/// resources paths; it applies to actor calls made through that app's sidecar, as in daprd. Circuit breakers are not applied.
/// </summary>
internal static class ActorResiliency
{
    public static IReadOnlyDictionary<string, TargetPolicy> Load(AppDefinition app)
    {
        var result = new Dictionary<string, TargetPolicy>(StringComparer.Ordinal);
        foreach (var dir in app.ResourcesPaths.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
            {
                foreach (var doc in YamlReading.Documents(File.ReadAllText(file)))
                {
                    var r = YamlReading.Deserializer.Deserialize<ResiliencyYaml>(doc);
                    if (r?.Kind != "Resiliency" || r.Spec?.Targets?.Actors is not { Count: > 0 } actors) { continue; }
                    if (r.Scopes is { Count: > 0 } scopes && !scopes.Contains(app.AppId)) { continue; }
                    var where = $"{file}: Resiliency '{r.Metadata?.Name}'";
                    foreach (var (type, target) in actors)
                    {
                        result[type] = Target(r.Spec.Policies, target, where + $" target actors.{type}");
                    }
                }
            }
        }

        return result;
    }

    private static TargetPolicy Target(PoliciesYaml? policies, TargetYaml target, string where)
    {
        TimeSpan? timeout = null;
        if (target.Timeout is { } t)
        {
            timeout = policies?.Timeouts?.TryGetValue(t, out var named) == true ? GoDuration.Parse(named, where) : GoDuration.Parse(t, where);
        }

        RetryPolicy? retry = null;
        if (target.Retry is { } name)
        {
            if (policies?.Retries?.TryGetValue(name, out var y) != true || y is null)
            {
                throw new DevHostConfigurationException($"{where} uses retry policy '{name}', which is not defined.");
            }

            var ranges = (y.Matching?.HttpStatusCodes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => part.Split('-', StringSplitOptions.TrimEntries))
                .Select(b => (int.Parse(b[0], CultureInfo.InvariantCulture), int.Parse(b[^1], CultureInfo.InvariantCulture)))
                .ToList();
            retry = new RetryPolicy(
                name,
                y.Policy == "exponential",
                y.Duration is null ? TimeSpan.FromSeconds(5) : GoDuration.Parse(y.Duration, where),
                y.MaxInterval is null ? TimeSpan.FromSeconds(60) : GoDuration.Parse(y.MaxInterval, where),
                y.MaxRetries ?? -1,
                ranges);
        }

        return new TargetPolicy(timeout, retry, null);
    }

    private sealed class ResiliencyYaml
    {
        [YamlMember(Alias = "kind")] public string? Kind { get; set; }
        [YamlMember(Alias = "metadata")] public MetadataYaml? Metadata { get; set; }
        [YamlMember(Alias = "spec")] public SpecYaml? Spec { get; set; }
        [YamlMember(Alias = "scopes")] public List<string>? Scopes { get; set; }
    }

    private sealed class MetadataYaml
    {
        [YamlMember(Alias = "name")] public string? Name { get; set; }
    }

    private sealed class SpecYaml
    {
        [YamlMember(Alias = "policies")] public PoliciesYaml? Policies { get; set; }
        [YamlMember(Alias = "targets")] public TargetsYaml? Targets { get; set; }
    }

    private sealed class PoliciesYaml
    {
        [YamlMember(Alias = "timeouts")] public Dictionary<string, string>? Timeouts { get; set; }
        [YamlMember(Alias = "retries")] public Dictionary<string, RetryYaml>? Retries { get; set; }
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
    }

    private sealed class TargetsYaml
    {
        [YamlMember(Alias = "actors")] public Dictionary<string, TargetYaml>? Actors { get; set; }
    }

    private sealed class TargetYaml
    {
        [YamlMember(Alias = "timeout")] public string? Timeout { get; set; }
        [YamlMember(Alias = "retry")] public string? Retry { get; set; }
    }
}
