using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>
/// Starts and manages workflow instances through the sidecar's HTTP workflow API (<c>/v1.0/workflows/dapr/…</c>), with
/// the same endpoint, <c>dapr-api-token</c> and trace context as every other <see cref="SidecarClient"/> call.
/// Method names follow the Dapr .NET SDK's <c>DaprWorkflowClient</c>.
/// </summary>
public sealed class DaprWorkflowClient : SidecarClient
{
    /// <summary>Dapr's rule for instance ids on create: letters, digits, '-' and '_', at most 64 characters.</summary>
    public const int MaxInstanceIdLength = 64;

    private const string BasePath = "v1.0/workflows/dapr/";
    private static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    [ActivatorUtilitiesConstructor]
    public DaprWorkflowClient(HttpClient httpClient, SidecarOptions options, TimeProvider timeProvider, ILogger<SidecarClient> logger)
        : base(httpClient, options, timeProvider, logger)
    {
    }

    public DaprWorkflowClient(HttpClient httpClient, SidecarOptions options, TimeProvider? timeProvider = null)
        : base(httpClient, options, timeProvider ?? TimeProvider.System, NullLogger<SidecarClient>.Instance)
    {
    }

    /// <summary>POST …/{name}/start[?instanceID=]: 202 with the instance id (the sidecar makes one up when none is given).</summary>
    public async Task<string> ScheduleNewWorkflowAsync(string name, string? instanceId = null, object? input = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (instanceId is not null) { ValidateInstanceId(instanceId); }
        var path = BasePath + Uri.EscapeDataString(name) + "/start" + (instanceId is null ? "" : "?instanceID=" + Uri.EscapeDataString(instanceId));
        using var response = await SendWorkflowRequestAsync(path, input, ct);
        await EnsureAcceptedAsync(response, "start workflow", ct);
        var started = JsonSerializer.Deserialize<StartedWire>(await response.Content.ReadAsByteArrayAsync(ct), SidecarJson.Options);
        return started?.InstanceId ?? instanceId
            ?? throw new SidecarException("The sidecar started a workflow but returned no instance id.", (int)response.StatusCode, null, null);
    }

    /// <summary>GET …/{instanceID}; null when the instance does not exist.</summary>
    public async Task<WorkflowState?> GetWorkflowStateAsync(string instanceId, CancellationToken ct = default)
    {
        using var request = CreateSidecarRequest(HttpMethod.Get, InstancePath(instanceId, ""));
        using var response = await SendToSidecarAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.NotFound || (!response.IsSuccessStatusCode && IsNotFound(body)))
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw Error(response, body, "get workflow");
        }

        var wire = JsonSerializer.Deserialize<WorkflowStateWire>(body, SidecarJson.Options)
            ?? throw new SidecarException("The sidecar returned an empty workflow state.", (int)response.StatusCode, null, body);
        return WorkflowState.FromWire(wire);
    }

    /// <summary>POST …/{instanceID}/raiseEvent/{eventName} with the JSON payload as the event data.</summary>
    public Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        return PostAsync(InstancePath(instanceId, "/raiseEvent/" + Uri.EscapeDataString(eventName)), eventPayload, "raise workflow event", ct);
    }

    /// <summary>POST …/{instanceID}/terminate (child workflows are terminated too).</summary>
    public Task TerminateWorkflowAsync(string instanceId, CancellationToken ct = default) =>
        PostAsync(InstancePath(instanceId, "/terminate"), null, "terminate workflow", ct);

    /// <summary>POST …/{instanceID}/pause.</summary>
    public Task SuspendWorkflowAsync(string instanceId, CancellationToken ct = default) =>
        PostAsync(InstancePath(instanceId, "/pause"), null, "pause workflow", ct);

    /// <summary>POST …/{instanceID}/resume.</summary>
    public Task ResumeWorkflowAsync(string instanceId, CancellationToken ct = default) =>
        PostAsync(InstancePath(instanceId, "/resume"), null, "resume workflow", ct);

    /// <summary>POST …/{instanceID}/purge: removes a completed, failed or terminated instance and its history.</summary>
    public Task PurgeInstanceAsync(string instanceId, CancellationToken ct = default) =>
        PostAsync(InstancePath(instanceId, "/purge"), null, "purge workflow", ct);

    /// <summary>Polls until the instance has started (no longer PENDING); throws when it does not exist.</summary>
    public Task<WorkflowState> WaitForWorkflowStartAsync(string instanceId, TimeSpan? pollInterval = null, CancellationToken ct = default) =>
        PollAsync(instanceId, state => state.RuntimeStatus != WorkflowRuntimeStatus.Pending, pollInterval, ct);

    /// <summary>Polls until the instance completed, failed or was terminated; the wait ends only by <paramref name="ct"/>.</summary>
    public Task<WorkflowState> WaitForWorkflowCompletionAsync(string instanceId, TimeSpan? pollInterval = null, CancellationToken ct = default) =>
        PollAsync(instanceId, state => state.IsWorkflowCompleted, pollInterval, ct);

    /// <summary>Throws <see cref="ArgumentException"/> unless the id follows Dapr's create rule (the sidecar would answer 400).</summary>
    public static void ValidateInstanceId(string instanceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (instanceId.Length > MaxInstanceIdLength)
        {
            throw new ArgumentException($"Workflow instance ids are at most {MaxInstanceIdLength} characters; this one has {instanceId.Length}.", nameof(instanceId));
        }

        if (!instanceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Workflow instance id '{instanceId}' may contain only letters, digits, '-' and '_'.", nameof(instanceId));
        }
    }

    private async Task<WorkflowState> PollAsync(string instanceId, Func<WorkflowState, bool> done, TimeSpan? pollInterval, CancellationToken ct)
    {
        var interval = pollInterval ?? DefaultPollInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(pollInterval));
        while (true)
        {
            var state = await GetWorkflowStateAsync(instanceId, ct)
                ?? throw new SidecarException($"Workflow instance '{instanceId}' does not exist.", (int)HttpStatusCode.NotFound, "ERR_INSTANCE_ID_NOT_FOUND", null);
            if (done(state)) { return state; }
            await Task.Delay(interval, TimeProvider, ct);
        }
    }

    private async Task PostAsync(string path, object? body, string operation, CancellationToken ct)
    {
        using var response = await SendWorkflowRequestAsync(path, body, ct);
        await EnsureAcceptedAsync(response, operation, ct);
    }

    private async Task<HttpResponseMessage> SendWorkflowRequestAsync(string path, object? body, CancellationToken ct)
    {
        using var request = CreateSidecarRequest(HttpMethod.Post, path);
        if (WorkflowJson.Serialize(body) is { } json)
        {
            request.Content = new StringContent(json);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return await SendToSidecarAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    private static async Task EnsureAcceptedAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) { return; }
        throw Error(response, await response.Content.ReadAsStringAsync(ct), operation);
    }

    private static SidecarException Error(HttpResponseMessage response, string body, string operation)
    {
        var (errorCode, message) = ParseDaprError(body);
        var status = (int)response.StatusCode;
        var detail = message is null ? "" : $": {errorCode} {message}";
        return new SidecarException($"Sidecar {operation} answered {status}{detail}.", status, errorCode, body.Length == 0 ? null : body);
    }

    /// <summary>Dapr before 1.15 reported a missing instance as a 500 ERR_GET_WORKFLOW whose message says it was not found.</summary>
    private static bool IsNotFound(string body)
    {
        var (errorCode, message) = ParseDaprError(body);
        return errorCode == "ERR_INSTANCE_ID_NOT_FOUND"
            || (errorCode == "ERR_GET_WORKFLOW" && message?.Contains("not found", StringComparison.OrdinalIgnoreCase) == true);
    }

    private static string InstancePath(string instanceId, string suffix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        return BasePath + Uri.EscapeDataString(instanceId) + suffix;
    }

    private sealed record StartedWire([property: JsonPropertyName("instanceID")] string? InstanceId);
}
