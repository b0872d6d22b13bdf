using System.Globalization;
using System.Text;

namespace DaprPlatform.DevHost.Configuration;

/// <summary>What in DevHost serves a component. PlatformHost builds the store or broker from this and nothing else.</summary>
public enum ComponentServer
{
    /// <summary>State/PostgresStateStore (state.postgresql v1 table layout, ETag = xmin).</summary>
    PostgresStateStore,

    /// <summary>PubSub/Broker, DevHost's durable broker in its own Postgres database.</summary>
    DurableBroker,

    /// <summary>Secrets/LocalFileSecretStore.</summary>
    LocalFileSecretStore,

    /// <summary>Secrets/LocalEnvSecretStore.</summary>
    LocalEnvSecretStore,
}

/// <summary>How DevHost treats one component it loaded: served (by what, and what of its settings is not used) or refused.</summary>
public abstract record ComponentDecision(ComponentDefinition Component);

/// <param name="UsesComponentConnectionString">
/// state.postgresql v1 only: DevHost may use the component's own <c>connectionString</c> (when it resolves and is reachable),
/// because it writes the same table layout; every other state store lives in DevHost's own database.
/// </param>
public sealed record ServedComponent(ComponentDefinition Component, ComponentServer Server, string Description, bool UsesComponentConnectionString = false)
    : ComponentDecision(Component);

public sealed record RefusedComponent(ComponentDefinition Component, string Reason) : ComponentDecision(Component);

/// <summary>
/// The one mapping from a component's type to how DevHost serves it (tools/DevHost/README.md, "How DevHost serves components").
/// daprd fails to start when a component cannot be initialised unless the component sets <c>spec.ignoreErrors: true</c>
/// (docs: component-schema); DevHost refuses what it cannot serve in the same way.
/// </summary>
public static class ComponentSupport
{
    /// <summary>Building blocks DevHost has no implementation for, by the kind part of the type, with the API they would back.</summary>
    private static readonly Dictionary<string, string> UnservedKinds = new(StringComparer.Ordinal)
    {
        ["bindings"] = "DevHost does not implement bindings (no input trigger is read and /v1.0/bindings answers ERR_INVOKE_OUTPUT_BINDING)",
        ["configuration"] = "DevHost does not implement the configuration API (/v1.0/configuration answers ERR_CONFIGURATION_STORE_NOT_CONFIGURED)",
        ["lock"] = "DevHost does not implement the distributed lock API (/v1.0-alpha1/lock answers ERR_LOCK_STORE_NOT_CONFIGURED)",
        ["crypto"] = "DevHost does not implement the cryptography API (/v1.0-alpha1/crypto answers ERR_CRYPTO_PROVIDERS_NOT_CONFIGURED)",
        ["conversation"] = "DevHost does not implement the conversation API",
        ["middleware"] = "DevHost runs no middleware pipelines (Configuration httpPipeline / appHttpPipeline)",
        ["nameresolution"] = "DevHost resolves app ids from the run file; name resolution components are not used",
        ["workflowbackend"] = "DevHost runs workflows on its own engine in Postgres; workflow backend components are not used",
    };

    /// <summary>Display names for the broker or store a component type would have talked to.</summary>
    private static readonly Dictionary<string, string> Products = new(StringComparer.Ordinal)
    {
        ["redis"] = "Redis",
        ["rabbitmq"] = "RabbitMQ",
        ["kafka"] = "Kafka",
        ["mqtt3"] = "MQTT",
        ["nats"] = "NATS",
        ["jetstream"] = "NATS JetStream",
        ["pulsar"] = "Pulsar",
        ["mongodb"] = "MongoDB",
        ["mysql"] = "MySQL",
        ["sqlite"] = "SQLite",
        ["sqlserver"] = "SQL Server",
        ["cassandra"] = "Cassandra",
        ["memcached"] = "Memcached",
        ["etcd"] = "etcd",
        ["cockroachdb"] = "CockroachDB",
        ["postgresql"] = "PostgreSQL",
    };

    public static ComponentDecision Decide(ComponentDefinition component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var c = component;
        var product = Product(c.Type);
        switch (c.Kind)
        {
            case "state" when c.Type == "state.postgresql" && c.Version == "v1":
                return new ServedComponent(c, ComponentServer.PostgresStateStore,
                    "DevHost's Postgres state store (state.postgresql v1 table layout, ETag = xmin; no query API)", UsesComponentConnectionString: true);
            case "state" when c.Type == "state.postgresql" && c.Version == "v2":
                return new ServedComponent(c, ComponentServer.PostgresStateStore,
                    "served by DevHost's Postgres state store in DevHost's own database with the v1 table layout; the component's connectionString is not used (DevHost does not write the v2 layout)");
            case "state" when c.Type == "state.postgresql":
                return new RefusedComponent(c, $"state.postgresql has versions v1 and v2, not {c.Version}");
            case "state":
                return new ServedComponent(c, ComponentServer.PostgresStateStore,
                    $"served by DevHost's Postgres state store in DevHost's own database; the {product} settings are not used (only tableName, keyPrefix and actorStateStore are read)");
            case "pubsub":
                var inMemory = c.Type == "pubsub.in-memory"
                    ? " (unlike pubsub.in-memory, messages are kept in Postgres and reach subscribers of every app)"
                    : $"; the {product} settings are not used";
                return new ServedComponent(c, ComponentServer.DurableBroker,
                    $"served by DevHost's own durable broker in Postgres{inMemory} (only redeliverInterval is read)");
            case "secretstores" when c.Type == "secretstores.local.file":
                return new ServedComponent(c, ComponentServer.LocalFileSecretStore, "served by DevHost from a JSON file read once at start-up (secretsFile, nestedSeparator, multiValued)");
            case "secretstores" when c.Type == "secretstores.local.env":
                return new ServedComponent(c, ComponentServer.LocalEnvSecretStore, "served by DevHost from the app's environment variables (prefix; APP_API_TOKEN and DAPR_* hidden)");
            case "secretstores":
                return new RefusedComponent(c, $"DevHost serves only secretstores.local.file and secretstores.local.env, not {c.Type}");
            default:
                return new RefusedComponent(c, UnservedKinds.TryGetValue(c.Kind, out var why)
                    ? why
                    : $"'{c.Type}' is not a building block DevHost implements (it serves state.*, pubsub.*, secretstores.local.file and secretstores.local.env)");
        }
    }

    /// <summary>"pubsub 'pubsub' (pubsub.redis v1, components/pubsub.yaml, scopes: a, b)": what the component is and where it comes from.</summary>
    public static string Title(ComponentDefinition component, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(component);
        var sb = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{BuildingBlock(component.Kind)} '{component.Name}' ({component.Type} {component.Version}, {Relative(component.SourceFile, baseDirectory)}");
        if (component.Scopes.Count > 0) { sb.Append(CultureInfo.InvariantCulture, $", scopes: {string.Join(", ", component.Scopes)}"); }
        return sb.Append(')').ToString();
    }

    /// <summary>The start-up line for a served component; <paramref name="detail"/> is what only start-up knows (which database, which file).</summary>
    public static string ServedLine(ServedComponent served, string baseDirectory, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(served);
        return $"{Title(served.Component, baseDirectory)}: {served.Description}{(detail is { Length: > 0 } ? "; " + detail : "")}";
    }

    /// <summary>The warning for a refused component with spec.ignoreErrors: true.</summary>
    public static string IgnoredLine(RefusedComponent refused, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return $"{Title(refused.Component, baseDirectory)}: not served: {refused.Reason}. spec.ignoreErrors is true, so DevHost starts without it; calls to it get Dapr's not-found error";
    }

    /// <summary>
    /// Splits an app's components into the ones DevHost serves and the ones refused with <c>ignoreErrors: true</c>; any
    /// other refusal is returned in <paramref name="fatal"/> (start-up must stop, as daprd does).
    /// </summary>
    public static IReadOnlyList<ComponentDecision> DecideAll(IEnumerable<ComponentDefinition> components, out IReadOnlyList<RefusedComponent> fatal)
    {
        var decisions = components.Select(Decide).ToList();
        fatal = decisions.OfType<RefusedComponent>().Where(r => !r.Component.IgnoreErrors).ToList();
        return decisions;
    }

    /// <summary>The error that stops start-up: every refused component with its file and reason.</summary>
    public static string FatalMessage(IEnumerable<(string AppId, RefusedComponent Refused)> refusals)
    {
        var byComponent = refusals
            .GroupBy(r => (r.Refused.Component.SourceFile, r.Refused.Component.Name))
            .Select(g => $"{g.Key.SourceFile}: component '{g.Key.Name}' ({g.First().Refused.Component.Type} {g.First().Refused.Component.Version}, app(s) {string.Join(", ", g.Select(r => r.AppId).Distinct())}) cannot be served by DevHost: {g.First().Refused.Reason}.")
            .ToList();
        return string.Join(Environment.NewLine, byComponent)
            + " daprd does not start when a component fails to initialise; remove the component or set spec.ignoreErrors: true to start without it.";
    }

    public static string BuildingBlock(string kind) => kind switch
    {
        "state" => "state store",
        "pubsub" => "pubsub",
        "secretstores" => "secret store",
        "bindings" => "binding",
        "configuration" => "configuration store",
        "lock" => "lock store",
        "crypto" => "crypto provider",
        "conversation" => "conversation component",
        "middleware" => "middleware",
        _ => "component",
    };

    public static string Relative(string path, string baseDirectory)
    {
        if (string.IsNullOrEmpty(path) || string.IsNullOrEmpty(baseDirectory)) { return path; }
        var relative = Path.GetRelativePath(baseDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) && Path.IsPathRooted(path) ? path : relative;
    }

    private static string Product(string type)
    {
        var dot = type.IndexOf('.', StringComparison.Ordinal);
        var impl = dot < 0 ? type : type[(dot + 1)..];
        var first = impl.Split('.')[0];
        return Products.TryGetValue(first, out var name) ? name : impl;
    }
}
