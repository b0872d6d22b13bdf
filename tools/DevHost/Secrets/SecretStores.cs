using System.Text.Json;
using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Secrets;

/// <summary>A secret store as Dapr's secret API sees it: each secret is a map of key → value.</summary>
internal interface ISecretStore
{
    /// <summary>How DevHost serves the store, for the start-up line.</summary>
    string Description { get; }

    /// <summary>The secret's keys and values; null when the store reports the secret as not found (an error in daprd).</summary>
    IReadOnlyDictionary<string, string>? Get(string name);

    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> GetAll();
}

/// <summary>
/// secretstores.local.file. daprd resolves a relative <c>secretsFile</c> against its working directory, which under
/// <c>dapr run -f</c> is the app's appDirPath; DevHost does the same and, when no file is there, falls back to the
/// run file's folder (so a path written relative to the repository root also works).
/// </summary>
internal sealed class LocalFileSecretStore : ISecretStore
{
    private readonly Dictionary<string, Dictionary<string, string>> _secrets = new(StringComparer.Ordinal);

    public LocalFileSecretStore(ComponentDefinition component, string runFileDir, string appDir)
    {
        var file = component.PlainValue("secretsFile");
        if (string.IsNullOrWhiteSpace(file))
        {
            throw new DevHostConfigurationException($"{component.SourceFile}: secret store '{component.Name}' (secretstores.local.file) needs metadata 'secretsFile'.");
        }

        var path = Path.IsPathRooted(file) ? file : Path.GetFullPath(Path.Combine(appDir, file));
        if (!File.Exists(path) && !Path.IsPathRooted(file) && File.Exists(Path.Combine(runFileDir, file)))
        {
            path = Path.GetFullPath(Path.Combine(runFileDir, file));
        }

        if (!File.Exists(path))
        {
            throw new DevHostConfigurationException($"{component.SourceFile}: secret store '{component.Name}': secretsFile '{file}' not found (looked for {path}).");
        }

        var separator = component.PlainValue("nestedSeparator") ?? ":";
        var multiValued = string.Equals(component.PlainValue("multiValued"), "true", StringComparison.OrdinalIgnoreCase);
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        }
        catch (JsonException ex)
        {
            throw new DevHostConfigurationException($"Secrets file '{path}' is not valid JSON: {ex.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DevHostConfigurationException($"Secrets file '{path}' must hold a JSON object.");
        }

        foreach (var top in root.EnumerateObject())
        {
            if (multiValued)
            {
                // multiValued: each top-level key is one secret; nested values below it are flattened into its keys.
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                if (top.Value.ValueKind == JsonValueKind.Object) { Flatten(top.Value, "", separator, values); }
                else { values[top.Name] = Scalar(top.Value); }
                _secrets[top.Name] = values;
            }
            else
            {
                var flat = new Dictionary<string, string>(StringComparer.Ordinal);
                Flatten(top.Value, top.Name, separator, flat);
                foreach (var (k, v) in flat) { _secrets[k] = new Dictionary<string, string>(StringComparer.Ordinal) { [k] = v }; }
            }
        }

        Description = path;
    }

    public string Description { get; }

    public IReadOnlyDictionary<string, string>? Get(string name) => _secrets.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> GetAll()
        => _secrets.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, string>)kv.Value, StringComparer.Ordinal);

    private static void Flatten(JsonElement e, string prefix, string separator, Dictionary<string, string> into)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                Flatten(p.Value, prefix.Length == 0 ? p.Name : prefix + separator + p.Name, separator, into);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in e.EnumerateArray())
            {
                Flatten(item, prefix + separator + i.ToString(System.Globalization.CultureInfo.InvariantCulture), separator, into);
                i++;
            }
        }
        else
        {
            into[prefix] = Scalar(e);
        }
    }

    private static string Scalar(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
}

/// <summary>secretstores.local.env: the sidecar's environment (DevHost's plus the app's run-file env); APP_API_TOKEN and DAPR_* are never exposed.</summary>
internal sealed class LocalEnvSecretStore(ComponentDefinition component, IReadOnlyDictionary<string, string> environment) : ISecretStore
{
    private readonly string _prefix = component.PlainValue("prefix") ?? "";

    public string Description => "environment variables" + (_prefix.Length > 0 ? $" with prefix {_prefix}" : "");

    /// <summary>Like contrib's env store: a hidden or unset variable is not an error, it reads as "".</summary>
    public IReadOnlyDictionary<string, string>? Get(string name)
    {
        var variable = _prefix + name;
        var value = !Hidden(variable) && environment.TryGetValue(variable, out var v) ? v : "";
        return new Dictionary<string, string>(StringComparer.Ordinal) { [name] = value };
    }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> GetAll()
        => environment
            .Where(kv => !Hidden(kv.Key) && kv.Key.StartsWith(_prefix, StringComparison.Ordinal) && kv.Key.Length > _prefix.Length)
            .ToDictionary(
                kv => kv.Key[_prefix.Length..],
                kv => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(StringComparer.Ordinal) { [kv.Key[_prefix.Length..]] = kv.Value },
                StringComparer.Ordinal);

    private static bool Hidden(string variable)
        => variable.Equals("APP_API_TOKEN", StringComparison.OrdinalIgnoreCase) || variable.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase);
}
