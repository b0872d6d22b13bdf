using System.Collections.Concurrent;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Workflows.Tests;

/// <summary>One request the fake sidecar received.</summary>
public sealed record SidecarCall(string Method, string PathAndQuery, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>A canned answer: status, body, content type.</summary>
public sealed record SidecarAnswer(int Status, string Body = "", string ContentType = "application/json");

/// <summary>
/// Stands in for daprd's HTTP API: records every call and answers invocations and workflow management calls with what the
/// test set up (by method + path), 404 ERR_INSTANCE_ID_NOT_FOUND for unknown instances, and 500 for anything unexpected.
/// </summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private readonly LoopbackApp _app;

    private FakeSidecar(LoopbackApp app)
    {
        _app = app;
    }

    public Uri BaseAddress => _app.BaseAddress;

    public ConcurrentQueue<SidecarCall> Calls { get; } = new();

    /// <summary>Answers by "METHOD /path" (without query).</summary>
    public ConcurrentDictionary<string, SidecarAnswer> Answers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<FakeSidecar> StartAsync()
    {
        FakeSidecar? fake = null;
        var app = await LoopbackApp.StartAsync(web => web.Run(context => fake!.HandleAsync(context)));
        fake = new FakeSidecar(app);
        return fake;
    }

    public IEnumerable<SidecarCall> CallsTo(string method, string path) =>
        Calls.Where(c => c.Method == method && c.PathAndQuery.Split('?')[0] == path);

    public void AnswerWorkflowStart(string workflowName) =>
        Answers[$"POST /v1.0/workflows/dapr/{workflowName}/start"] = new SidecarAnswer(202);

    public void AnswerWorkflowState(string instanceId, string workflowName, string runtimeStatus, IReadOnlyDictionary<string, string> properties) =>
        Answers[$"GET /v1.0/workflows/dapr/{instanceId}"] = new SidecarAnswer(200, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["instanceID"] = instanceId,
            ["workflowName"] = workflowName,
            ["createdAt"] = "2026-01-01T00:00:00Z",
            ["lastUpdatedAt"] = "2026-01-01T00:00:05Z",
            ["runtimeStatus"] = runtimeStatus,
            ["properties"] = properties,
        }));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "/";
        Calls.Enqueue(new SidecarCall(context.Request.Method, path + context.Request.QueryString, body,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

        if (Answers.TryGetValue($"{context.Request.Method} {path}", out var answer))
        {
            context.Response.StatusCode = answer.Status;
            var text = answer.Body;
            // Dapr's start answer echoes the instance id it was given.
            if (path.EndsWith("/start", StringComparison.Ordinal) && answer.Status == 202 && text.Length == 0)
            {
                text = JsonSerializer.Serialize(new { instanceID = context.Request.Query["instanceID"].ToString() });
            }

            if (text.Length > 0)
            {
                context.Response.ContentType = answer.ContentType;
                await context.Response.WriteAsync(text, context.RequestAborted);
            }

            return;
        }

        if (context.Request.Method == "GET" && path.StartsWith("/v1.0/workflows/dapr/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new { errorCode = "ERR_INSTANCE_ID_NOT_FOUND", message = "no such instance" }, context.RequestAborted);
            return;
        }

        context.Response.StatusCode = path.StartsWith("/v1.0/healthz", StringComparison.Ordinal) ? 204 : 500;
    }
}
