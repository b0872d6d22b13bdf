using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using Json.Schema;

namespace DaprPlatform.Contracts.Tests;

/// <summary>One topic's published contract: contracts/&lt;topic&gt;.schema.json, parsed and built once.</summary>
public sealed record TopicContract(string Topic, string Path, JsonElement Document, JsonSchema Schema)
{
    public IReadOnlyList<JsonElement> Examples =>
        Document.TryGetProperty("examples", out var examples) && examples.ValueKind == JsonValueKind.Array ? [.. examples.EnumerateArray()] : [];

    /// <summary>Validation with formats asserted (uuid, date-time, email): the schema's words, not annotations.</summary>
    public IReadOnlyList<string> Errors(JsonElement instance) => ContractCatalogue.ErrorsOf(Schema.Evaluate(instance, ContractCatalogue.Evaluation));
}

/// <summary>Every schema in contracts/, read from the repository the tests were built from.</summary>
public static class ContractCatalogue
{
    public const string SchemaSuffix = ".schema.json";
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";
    public const string IdBase = "https://daprplatform.dev/contracts/";

    public static EvaluationOptions Evaluation { get; } = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    public static string RepositoryRoot { get; } = typeof(ContractCatalogue).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Folder { get; } = System.IO.Path.Combine(RepositoryRoot, "contracts");

    private static readonly Lazy<FrozenDictionary<string, TopicContract>> Loaded = new(Load);

    public static FrozenDictionary<string, TopicContract> ByTopic => Loaded.Value;

    public static TopicContract For(string topic) =>
        ByTopic.TryGetValue(topic, out var contract) ? contract : throw new KeyNotFoundException($"contracts/{topic}{SchemaSuffix} does not exist.");

    public static IReadOnlyList<string> ErrorsOf(EvaluationResults results) =>
        results.IsValid
            ? []
            : [.. (results.Details ?? [results])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))];

    private static FrozenDictionary<string, TopicContract> Load()
    {
        // Its own registry: every schema's $id is registered once, whatever else the process has built.
        var build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        return Directory.GetFiles(Folder, "*" + SchemaSuffix)
            .Select(path =>
            {
                var text = File.ReadAllText(path);
                var topic = System.IO.Path.GetFileName(path)[..^SchemaSuffix.Length];
                using var document = JsonDocument.Parse(text);
                return new TopicContract(topic, path, document.RootElement.Clone(), JsonSchema.FromText(text, build));
            })
            .ToFrozenDictionary(c => c.Topic, StringComparer.Ordinal);
    }
}
