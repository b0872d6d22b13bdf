using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Workflow instances as the workflows app's sidecar reports them (Dapr's HTTP workflow API, <c>GET /v1.0/workflows/dapr/{id}</c>),
/// readable while the app itself is down.
/// </summary>
public static class WorkflowInstances
{
    /// <summary>The sidecar's answer for the instance: its status code, and the instance when it is 200.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement? Instance)> GetAsync(HttpClient workflowsSidecar, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(workflowsSidecar);
        using var response = await workflowsSidecar.GetAsync($"/v1.0/workflows/dapr/{instanceId}");
        return response.StatusCode == HttpStatusCode.OK
            ? (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>())
            : (response.StatusCode, null);
    }

    /// <summary>The instance's custom status (the JSON the workflow set), if it set one.</summary>
    public static JsonElement? CustomStatus(JsonElement instance) =>
        instance.TryGetProperty("properties", out var properties)
        && properties.TryGetProperty("dapr.workflow.custom_status", out var custom) && custom.GetString() is { Length: > 0 } text
            ? JsonDocument.Parse(text).RootElement.Clone()
            : null;
}
