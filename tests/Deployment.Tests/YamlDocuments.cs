using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace DaprPlatform.Deployment.Tests;

/// <summary>
/// Reads (multi-document) YAML into JSON nodes: navigation with indexers and tree equality for free. Scalars stay
/// strings (no type guessing), so "5003" and 5003 compare as the same text, as Kubernetes and Dapr read them.
/// </summary>
public static class YamlDocuments
{
    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var documents = new List<JsonObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var value = deserializer.Deserialize<object?>(parser);
            switch (ToNode(value))
            {
                case JsonObject document:
                    documents.Add(document);
                    break;
                case null:
                    break; // an empty document, e.g. a trailing `---`
                default:
                    throw new InvalidDataException("A YAML document must be a mapping.");
            }
        }

        return documents;
    }

    public static IReadOnlyList<JsonObject> ParseFile(string path) => Parse(File.ReadAllText(path));

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(p =>
            KeyValuePair.Create(Convert.ToString(p.Key, System.Globalization.CultureInfo.InvariantCulture)!, ToNode(p.Value)))),
        IList<object?> list => new JsonArray([.. list.Select(ToNode)]),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };
}

/// <summary>Small accessors for the manifest trees.</summary>
public static class NodeExtensions
{
    public static string? Text(this JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string Kind(this JsonObject document) => document["kind"].Text() ?? "";

    public static string Name(this JsonObject document) => document["metadata"]?["name"].Text() ?? "";

    public static IEnumerable<JsonObject> Objects(this JsonNode? node) => node as JsonArray is { } array ? array.OfType<JsonObject>() : [];

    public static IEnumerable<string> Strings(this JsonNode? node) =>
        node as JsonArray is { } array ? array.Select(n => n.Text()).OfType<string>() : [];
}
