using System.Globalization;

namespace DaprPlatform.Deployment.Tests;

/// <summary>
/// The Dapr resource schemas (docs.dapr.io/reference/resource-specs/: component-, configuration-, resiliency- and
/// subscription-schema; summarised in shared/design/dapr-protocol.md §5). Returns every violation, so one run names
/// them all. Only what the docs require or forbid is checked; unknown extra fields are left to Dapr.
/// </summary>
public static class DaprResourceSchema
{
    /// <summary>Required metadata per component type, from each type's page under components-reference.</summary>
    private static readonly Dictionary<string, string[][]> RequiredMetadata = new(StringComparer.Ordinal)
    {
        ["state.postgresql"] = [["connectionString"]],
        ["state.redis"] = [["redisHost"]],
        ["pubsub.redis"] = [["redisHost"]],
        ["pubsub.kafka"] = [["brokers"], ["authType"]],
        // connectionString, or its parts (protocol/hostname/username/password).
        ["pubsub.rabbitmq"] = [["connectionString", "hostname"]],
        ["pubsub.in-memory"] = [],
        ["secretstores.local.file"] = [["secretsFile"]],
        ["secretstores.local.env"] = [],
        ["secretstores.kubernetes"] = [],
    };

    public static bool IsDaprResource(JsonObject document) =>
        document["apiVersion"].Text()?.StartsWith("dapr.io/", StringComparison.Ordinal) == true;

    public static IReadOnlyList<string> Check(JsonObject document)
    {
        var errors = new List<string>();
        var kind = document.Kind();
        var apiVersion = document["apiVersion"].Text();
        if (string.IsNullOrEmpty(document.Name()))
        {
            errors.Add($"{kind}: metadata.name is required");
        }

        if (document["spec"] is not JsonObject spec)
        {
            errors.Add($"{kind} '{document.Name()}': spec is required");
            return errors;
        }

        switch (kind)
        {
            case "Component":
                ExpectApiVersion(errors, kind, apiVersion, "dapr.io/v1alpha1");
                CheckComponent(errors, document, spec);
                break;
            case "Configuration":
                ExpectApiVersion(errors, kind, apiVersion, "dapr.io/v1alpha1");
                CheckConfiguration(errors, document, spec);
                break;
            case "Resiliency":
                ExpectApiVersion(errors, kind, apiVersion, "dapr.io/v1alpha1");
                if (document["targets"] is not null)
                {
                    errors.Add("Resiliency: targets belong under spec, not at the top level");
                }

                CheckResiliency(errors, spec);
                break;
            case "Subscription":
                CheckSubscription(errors, apiVersion, spec);
                break;
            case "HTTPEndpoint":
                ExpectApiVersion(errors, kind, apiVersion, "dapr.io/v1alpha1");
                if (string.IsNullOrEmpty(spec["baseUrl"].Text()))
                {
                    errors.Add("HTTPEndpoint: spec.baseUrl is required");
                }

                break;
            default:
                errors.Add($"unknown Dapr kind '{kind}'");
                break;
        }

        if (document["scopes"] is { } scopes && (scopes is not JsonArray array || array.Any(s => string.IsNullOrEmpty(s.Text()))))
        {
            errors.Add($"{kind} '{document.Name()}': scopes must be a list of app ids");
        }

        return errors;
    }

    private static void ExpectApiVersion(List<string> errors, string kind, string? actual, string expected)
    {
        if (actual != expected)
        {
            errors.Add($"{kind}: apiVersion must be {expected}, not '{actual}'");
        }
    }

    private static void CheckComponent(List<string> errors, JsonObject document, JsonObject spec)
    {
        var name = document.Name();
        var type = spec["type"].Text() ?? "";
        var dot = type.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == type.Length - 1)
        {
            errors.Add($"Component '{name}': spec.type '{type}' is not <building block>.<implementation>");
        }

        if (spec["version"].Text() is not ("v1" or "v2"))
        {
            errors.Add($"Component '{name}': spec.version must be v1 or v2, not '{spec["version"].Text()}'");
        }

        if (spec["metadata"] is not JsonArray metadata)
        {
            errors.Add($"Component '{name}': spec.metadata is required (use [] when empty)");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in metadata)
        {
            if (item is not JsonObject entry || string.IsNullOrEmpty(entry["name"].Text()))
            {
                errors.Add($"Component '{name}': every spec.metadata item needs a name");
                continue;
            }

            var itemName = entry["name"].Text()!;
            names.Add(itemName);
            var hasValue = entry.ContainsKey("value");
            var secretRef = entry["secretKeyRef"] as JsonObject;
            if (hasValue == (secretRef is not null))
            {
                errors.Add($"Component '{name}': metadata '{itemName}' needs exactly one of value and secretKeyRef");
            }
            else if (secretRef is not null && (string.IsNullOrEmpty(secretRef["name"].Text()) || string.IsNullOrEmpty(secretRef["key"].Text())))
            {
                errors.Add($"Component '{name}': metadata '{itemName}' secretKeyRef needs name and key");
            }
        }

        if (!RequiredMetadata.TryGetValue(type, out var required))
        {
            errors.Add($"Component '{name}': type '{type}' is not one this platform knows the required metadata of");
            return;
        }

        foreach (var alternatives in required.Where(alternatives => !alternatives.Any(names.Contains)))
        {
            errors.Add($"Component '{name}' ({type}): metadata '{string.Join("' or '", alternatives)}' is required");
        }
    }

    private static void CheckConfiguration(List<string> errors, JsonObject document, JsonObject spec)
    {
        var name = document.Name();
        if (spec["tracing"] is JsonObject tracing)
        {
            if (tracing["samplingRate"] is { } rate
                && !(double.TryParse(rate.Text(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1))
            {
                errors.Add($"Configuration '{name}': tracing.samplingRate must be a number from 0 to 1 in a string, not '{rate.Text()}'");
            }

            if (tracing["otel"] is JsonObject otel)
            {
                if (string.IsNullOrEmpty(otel["endpointAddress"].Text()))
                {
                    errors.Add($"Configuration '{name}': tracing.otel.endpointAddress is required");
                }

                if (otel["protocol"].Text() is not ("http" or "grpc"))
                {
                    errors.Add($"Configuration '{name}': tracing.otel.protocol must be http or grpc");
                }
            }
        }

        // mTLS is a control-plane setting: only the Configuration named daprsystem carries it.
        if (spec["mtls"] is not null && name != "daprsystem")
        {
            errors.Add($"Configuration '{name}': spec.mtls belongs only in the control plane's Configuration 'daprsystem'");
        }
    }

    private static void CheckResiliency(List<string> errors, JsonObject spec)
    {
        if (spec["policies"] is not JsonObject policies)
        {
            errors.Add("Resiliency: spec.policies is required");
            return;
        }

        if (spec["targets"] is not JsonObject targets)
        {
            errors.Add("Resiliency: spec.targets is required");
            return;
        }

        foreach (var (retryName, retry) in policies["retries"] as JsonObject ?? new JsonObject())
        {
            if (retry?["policy"].Text() is { } policy && policy is not ("constant" or "exponential"))
            {
                errors.Add($"Resiliency: retry '{retryName}' policy must be constant or exponential, not '{policy}'");
            }
        }

        foreach (var (section, target) in TargetsOf(targets))
        {
            CheckReference(errors, policies, section, target, "timeout", "timeouts");
            CheckReference(errors, policies, section, target, "retry", "retries");
            CheckReference(errors, policies, section, target, "circuitBreaker", "circuitBreakers");
        }
    }

    /// <summary>apps.X and actors.X are targets; components.X has inbound and outbound targets.</summary>
    private static IEnumerable<(string Path, JsonObject Target)> TargetsOf(JsonObject targets)
    {
        foreach (var section in new[] { "apps", "actors" })
        {
            foreach (var (name, target) in targets[section] as JsonObject ?? new JsonObject())
            {
                if (target is JsonObject t)
                {
                    yield return ($"{section}.{name}", t);
                }
            }
        }

        foreach (var (name, component) in targets["components"] as JsonObject ?? new JsonObject())
        {
            foreach (var direction in new[] { "inbound", "outbound" })
            {
                if (component?[direction] is JsonObject t)
                {
                    yield return ($"components.{name}.{direction}", t);
                }
            }
        }
    }

    private static void CheckReference(List<string> errors, JsonObject policies, string path, JsonObject target, string field, string section)
    {
        if (target[field].Text() is { } policy && policies[section]?[policy] is null)
        {
            errors.Add($"Resiliency: targets.{path}.{field} names '{policy}', which is not in policies.{section}");
        }
    }

    private static void CheckSubscription(List<string> errors, string? apiVersion, JsonObject spec)
    {
        if (apiVersion is not ("dapr.io/v1alpha1" or "dapr.io/v2alpha1"))
        {
            errors.Add($"Subscription: apiVersion must be dapr.io/v2alpha1 or dapr.io/v1alpha1, not '{apiVersion}'");
        }

        foreach (var field in new[] { "pubsubname", "topic" })
        {
            if (string.IsNullOrEmpty(spec[field].Text()))
            {
                errors.Add($"Subscription: spec.{field} is required");
            }
        }

        var hasRoutes = apiVersion == "dapr.io/v2alpha1" ? spec["routes"] is JsonObject : spec["route"].Text() is { Length: > 0 };
        if (!hasRoutes)
        {
            errors.Add(apiVersion == "dapr.io/v2alpha1" ? "Subscription: spec.routes is required" : "Subscription: spec.route is required");
        }
    }
}
