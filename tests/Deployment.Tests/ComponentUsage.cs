using System.Text.RegularExpressions;

namespace DaprPlatform.Deployment.Tests;

/// <summary>
/// Which Dapr component names each app's code uses, read from its source under appDirPath. The names are fixed in
/// code ("pubsub" is the default of Outbox.Enqueue and ServiceDefaults' PlatformTopics.PubSub, which every subscription names
/// through PlatformTopics.Subscription; actors and workflows keep their state in
/// the store marked actorStateStore; ServiceDefaults loads secrets from "secretstore"), so the scan looks for the calls.
/// </summary>
public static partial class ComponentUsage
{
    public const string PubSub = "pubsub";
    public const string StateStore = "statestore";
    public const string SecretStore = "secretstore";

    /// <summary>messaging's live fan-out (ADR 0023), named by its literal in the code that publishes and subscribes.</summary>
    public const string MessagingLive = "messaging-live";

    public static readonly string[] Names = [PubSub, StateStore, SecretStore, MessagingLive];

    [GeneratedRegex(@"\bAdd(Bulk)?TopicHandler\b|\.Enqueue\(|""pubsub""|\bPlatformTopics\.(Subscription|PubSub)\b|\bPublish(Raw)?(Event|Json)\w*Async\b")]
    private static partial Regex PubSubUse();

    [GeneratedRegex(@"\bAddActors\b|\bAddDaprWorkflow\b|\b(Save|Get|Delete)StateAsync\b|""statestore""")]
    private static partial Regex StateStoreUse();

    /// <summary>Scanned once per test run: every theory case asks, and the answer depends only on the checked-out code.</summary>
    private static readonly Dictionary<string, IReadOnlySet<string>> UsedByApp =
        Repository.Apps.ToDictionary(a => a.AppId, Scan, StringComparer.Ordinal);

    public static IReadOnlySet<string> Of(RunFileApp app) => UsedByApp[app.AppId];

    private static IReadOnlySet<string> Scan(RunFileApp app)
    {
        var code = string.Join('\n', SourceFiles(app).Select(File.ReadAllText));
        // ServiceDefaults loads every .NET app's secrets from "secretstore"; an app in another language names what it uses.
        var used = new HashSet<string>(StringComparer.Ordinal);
        if (app.IsDotnet || code.Contains($"\"{SecretStore}\"", StringComparison.Ordinal))
        {
            used.Add(SecretStore);
        }

        if (PubSubUse().IsMatch(code))
        {
            used.Add(PubSub);
        }

        if (StateStoreUse().IsMatch(code))
        {
            used.Add(StateStore);
        }

        if (code.Contains($"\"{MessagingLive}\"", StringComparison.Ordinal))
        {
            used.Add(MessagingLive);
        }

        return used;
    }

    /// <summary>component name → the app ids whose code uses it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ByComponent() =>
        Names.ToDictionary(
            n => n,
            n => (IReadOnlySet<string>)Repository.Apps.Where(a => Of(a).Contains(n)).Select(a => a.AppId).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

    private static IEnumerable<string> SourceFiles(RunFileApp app)
    {
        var dir = Path.GetFullPath(Path.Combine(Repository.Root, app.AppDirPath));
        return Directory.EnumerateFiles(dir, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".py", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }
}

/// <summary>A set of components one sidecar could be started with: components/ as-is, with an alternative swapped in, or an overlay.</summary>
public sealed record RunMode(string Name, IReadOnlyList<JsonObject> Components)
{
    public override string ToString() => Name;

    /// <summary>Dapr loads a component for an app when it has no scopes or lists the app id (component-scopes doc).</summary>
    public IEnumerable<JsonObject> VisibleTo(string appId) =>
        Components.Where(c => c["scopes"] is not JsonArray scopes || scopes.Strings().Contains(appId, StringComparer.Ordinal));

    public static IEnumerable<RunMode> SelfHosted()
    {
        var components = ComponentsIn(Repository.YamlFiles("components").Where(f => !f.StartsWith("components/alternatives/", StringComparison.Ordinal)));
        yield return new RunMode("components/", components);
        foreach (var alternative in Repository.YamlFiles("components/alternatives"))
        {
            var swapped = ComponentsIn([alternative]);
            var names = swapped.Select(c => c.Name()).ToHashSet(StringComparer.Ordinal);
            yield return new RunMode($"components/ with {alternative}", [.. components.Where(c => !names.Contains(c.Name())), .. swapped]);
        }
    }

    public static RunMode Of(RenderedOverlay render) => new(render.Overlay, render.OfKind("Component").ToList());

    private static List<JsonObject> ComponentsIn(IEnumerable<string> files) =>
        files.SelectMany(f => YamlDocuments.ParseFile(Repository.PathOf(f))).Where(d => d.Kind() == "Component").ToList();
}
