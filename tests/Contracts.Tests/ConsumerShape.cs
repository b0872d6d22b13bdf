using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace DaprPlatform.Contracts.Tests;

/// <summary>One member of a consumer's record, as its constructor declares it.</summary>
/// <param name="Needed">Non-nullable (a value type, or a reference the nullable annotations say is never null) and without a default:
/// the consumer relies on the producer sending it.</param>
public sealed record ConsumerMember(string JsonName, PropertyInfo Property, Type Type, bool Needed);

/// <summary>What a consumer's record needs of the data, read from its constructor and nullable annotations.</summary>
public static class ConsumerShape
{
    public static IReadOnlyList<ConsumerMember> Members(Type record)
    {
        var nullability = new NullabilityInfoContext();
        var constructor = record.GetConstructors().MaxBy(c => c.GetParameters().Length)
            ?? throw new InvalidOperationException($"{record} has no public constructor.");
        return [.. constructor.GetParameters().Select(p => new ConsumerMember(
            JsonNamingPolicy.CamelCase.ConvertName(p.Name!),
            record.GetProperty(p.Name!) ?? throw new InvalidOperationException($"{record}.{p.Name} is no property."),
            p.ParameterType,
            !p.HasDefaultValue && (p.ParameterType.IsValueType
                ? Nullable.GetUnderlyingType(p.ParameterType) is null
                : nullability.Create(p).ReadState == NullabilityState.NotNull)))];
    }

    /// <summary>Needed members the deserialized record lacks: null, an empty uuid or a default time (all of them, nested records too).</summary>
    public static IEnumerable<string> MissingMembers(object value, string path = "")
    {
        foreach (var member in Members(value.GetType()))
        {
            var at = path + member.JsonName;
            var read = member.Property.GetValue(value);
            if (read is null || read is Guid g && g == Guid.Empty || read is DateTimeOffset t && t == default)
            {
                if (member.Needed) { yield return at; }
                continue;
            }

            foreach (var missing in Nested(read, at + ".")) { yield return missing; }
        }
    }

    /// <summary>Needed members the schema does not require, and members the schema does not describe at all (a consumer reading what is never sent).</summary>
    public static IEnumerable<string> NotCoveredBy(Type record, JsonElement schema, JsonElement root, string path = "")
    {
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()).ToHashSet(StringComparer.Ordinal) : [];
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        foreach (var member in Members(record))
        {
            var at = path + member.JsonName;
            if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(member.JsonName, out var described))
            {
                yield return $"{at}: not in the schema";
                continue;
            }

            if (member.Needed && !required.Contains(member.JsonName))
            {
                yield return $"{at}: needed by the consumer, not required by the schema";
            }

            var memberSchema = Resolve(described, root);
            if (IsRecord(member.Type))
            {
                foreach (var gap in NotCoveredBy(Unwrapped(member.Type), memberSchema, root, at + ".")) { yield return gap; }
            }
            else if (ElementOf(member.Type) is { } element && IsRecord(element) && memberSchema.TryGetProperty("items", out var items))
            {
                foreach (var gap in NotCoveredBy(element, Resolve(items, root), root, at + "[].")) { yield return gap; }
            }
        }
    }

    private static IEnumerable<string> Nested(object read, string path)
    {
        if (IsRecord(read.GetType()))
        {
            return MissingMembers(read, path);
        }

        return read is IEnumerable items and not string
            ? items.Cast<object?>().SelectMany((item, i) => item switch
            {
                null => [$"{path[..^1]}[{i}]"],
                Guid g when g == Guid.Empty => [$"{path[..^1]}[{i}]"],
                _ when IsRecord(item.GetType()) => MissingMembers(item, $"{path[..^1]}[{i}]."),
                _ => [],
            })
            : [];
    }

    /// <summary>The platform's own records (event data, MoneyPayload), whose members are checked in turn.</summary>
    private static bool IsRecord(Type type) => Unwrapped(type) is { IsClass: true } t && t != typeof(string) && t.Namespace?.StartsWith("DaprPlatform", StringComparison.Ordinal) == true;

    private static Type Unwrapped(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    /// <summary>Follows a local <c>$ref</c> and picks the non-null branch of an <c>anyOf</c> (a nullable object).</summary>
    private static JsonElement Resolve(JsonElement schema, JsonElement root)
    {
        if (schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } pointer && pointer.StartsWith("#/$defs/", StringComparison.Ordinal))
        {
            return Resolve(root.GetProperty("$defs").GetProperty(pointer["#/$defs/".Length..]), root);
        }

        if (schema.TryGetProperty("anyOf", out var branches))
        {
            return branches.EnumerateArray().Select(b => Resolve(b, root))
                .First(b => !(b.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null"));
        }

        return schema;
    }
}
