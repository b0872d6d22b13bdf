using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Workflow;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Workflows.Tests.Api;

/// <summary>One request a stand-in callee received (through its sidecar, so with the caller's app id).</summary>
public sealed record CalleeRequest(string Method, string Path, string Body, string? IdempotencyKey, string? CallerAppId);

/// <summary>
/// A stand-in for an app the sagas call: records every request and answers from per-route handlers the test sets
/// ("METHOD /path", path without the query); a route nobody set answers 500, so a surprise shows up as a failing step.
/// </summary>
public sealed class Callee
{
    public ConcurrentQueue<CalleeRequest> Requests { get; } = new();

    public ConcurrentDictionary<string, Func<CalleeRequest, IResult>> Routes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<CalleeRequest> To(string method, string path) => Requests.Where(r => r.Method == method && r.Path == path);

    public void Map(WebApplication app) => app.Run(async http =>
    {
        using var reader = new StreamReader(http.Request.Body);
        var request = new CalleeRequest(http.Request.Method, http.Request.Path.Value ?? "/", await reader.ReadToEndAsync(http.RequestAborted),
            http.Request.Headers["Idempotency-Key"].FirstOrDefault(), http.Request.Headers["dapr-caller-app-id"].FirstOrDefault());
        Requests.Enqueue(request);
        var result = Routes.TryGetValue($"{request.Method} {request.Path}", out var handler) ? handler(request) : Results.StatusCode(500);
        await result.ExecuteAsync(http);
    });
}

/// <summary>
/// The workflows app in-process on its DevHost sidecar (<see cref="SidecarAppHost{TProgram}"/>), with the official SDK's worker
/// running the sagas for real against DevHost's engine, and stand-ins for identity, analytics, notifications, tutoring, booking
/// and payments. Short deadlines (a 2-minute payment window, a 20-second sign-up deadline) keep the end-to-end paths quick.
/// </summary>
public sealed class WorkflowsApp : IAsyncLifetime
{
    public static readonly string[] CalleeIds = ["identity", "analytics", "notifications", "tutoring", "booking", "payments"];

    private SidecarAppHost<Program>? _host;

    public IReadOnlyDictionary<string, Callee> Callees { get; } = CalleeIds.ToDictionary(id => id, _ => new Callee());

    public SidecarAppHost<Program> Host => _host ?? throw new InvalidOperationException("Not started.");

    public DaprWorkflowClient Workflows => Host.App.Services.GetRequiredService<DaprWorkflowClient>();

    public async Task InitializeAsync()
    {
        _host = await SidecarAppHost<Program>.StartAsync(new SidecarAppHostOptions
        {
            AppId = "workflows",
            Prefix = "wf",
            StandIns = Callees.ToDictionary(c => c.Key, c => (Action<WebApplication>)c.Value.Map),
            Settings = new Dictionary<string, string>
            {
                ["BookingPayment:PaymentTimeout"] = "00:02:00",
                ["Onboarding:StepDeadline"] = "00:00:20",
                ["Dunning:GracePeriod"] = "00:00:06",
                ["Dunning:Reminders:0"] = "00:00:00",
                ["Dunning:Reminders:1"] = "00:00:02",
                ["Dunning:DowngradeRetryInterval"] = "00:00:02",
            },
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    public HttpClient Client(string? callerAppId = null)
    {
        var client = Host.App.CreateClient();
        if (callerAppId is not null) { client.DefaultRequestHeaders.Add("dapr-caller-app-id", callerAppId); }
        return client;
    }

    /// <summary>A status answer of an instance that has ended (completed, failed or terminated).</summary>
    public static bool Ended(JsonElement status) => status.GetProperty("status").GetString() is "COMPLETED" or "FAILED" or "TERMINATED";

    /// <summary>Polls a status endpoint until <paramref name="done"/> holds (generous limit: the wait is not the assertion).</summary>
    public async Task<JsonElement> StatusUntilAsync(string path, Func<JsonElement, bool> done, string? callerAppId = null, int seconds = 60)
    {
        using var client = Client(callerAppId);
        return await Eventually.UntilAsync($"{path} to reach the expected state",
            async _ => await client.GetFromJsonAsync<JsonElement>(path),
            done, TimeSpan.FromSeconds(seconds), s => s.ToString());
    }
}

[CollectionDefinition(Name)]
public sealed class WorkflowsAppCollection : ICollectionFixture<WorkflowsApp>
{
    public const string Name = "workflows app on DevHost";
}
