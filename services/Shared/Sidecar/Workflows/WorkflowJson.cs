using System.Text.Json;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>Workflow inputs, outputs, results and event payloads travel as JSON text (System.Text.Json web defaults).</summary>
internal static class WorkflowJson
{
    /// <summary>Null stays null (no payload), so "no value" and JSON null are not confused on the wire.</summary>
    public static string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), SidecarJson.Options);

    public static T Deserialize<T>(string? json) => (T)Deserialize(json, typeof(T))!;

    public static object? Deserialize(string? json, Type type)
    {
        if (string.IsNullOrEmpty(json))
        {
            // Absent payload: the type's default (null for references and nullable values).
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
        }

        return JsonSerializer.Deserialize(json, type, SidecarJson.Options);
    }
}
