using System.Collections.Concurrent;
using DaprPlatform.DevHost.Sidecar;
using Npgsql;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// What <see cref="PlatformHost"/> wires in for workflows: the engine, one gRPC listener per app on its daprGRPCPort and one
/// dispatch loop per app. Stopping is driven by the host's stopping token (streams end, loops return) and <see cref="StopAsync(string)"/>.
/// </summary>
internal sealed class WorkflowHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, WebApplication> _listeners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _loops = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggerFactory;

    private WorkflowHost(WorkflowEngine engine, ILoggerFactory loggerFactory)
    {
        Engine = engine;
        _loggerFactory = loggerFactory;
    }

    public WorkflowEngine Engine { get; }

    public static async Task<WorkflowHost> CreateAsync(NpgsqlDataSource db, TimeProvider time, ILoggerFactory loggerFactory, CancellationToken stopping, CancellationToken ct)
    {
        var store = new WorkflowStore(db);
        await store.InitializeAsync(ct);
        return new WorkflowHost(new WorkflowEngine(store, time, loggerFactory.CreateLogger("DevHost.Workflows"), stopping), loggerFactory);
    }

    /// <summary>Maps the workflow management HTTP API on the sidecar's HTTP listener.</summary>
    public void MapHttpApi(WebApplication sidecarListener, SidecarRuntime sidecar) => WorkflowHttpEndpoints.Map(sidecarListener, sidecar, Engine);

    /// <summary>Starts TaskHubSidecarService on the app's daprGRPCPort and the app's dispatch loop (undelivered work from before a restart included).</summary>
    public async Task StartAsync(SidecarRuntime sidecar, CancellationToken ct)
    {
        var listener = TaskHubEndpoints.BuildListener(sidecar, Engine, _loggerFactory);
        await listener.StartAsync(ct);
        _listeners[sidecar.AppId] = listener;
        _ = _loops.GetOrAdd(sidecar.AppId, appId => Task.Run(() => Engine.RunDispatchLoopAsync(appId), CancellationToken.None));
    }

    /// <summary>Stops the app's gRPC listener (its workers' streams end); its instances stay stored.</summary>
    public async Task StopAsync(string appId)
    {
        if (_listeners.TryRemove(appId, out var listener))
        {
            // GetWorkItems streams never end by themselves: after a short grace Kestrel aborts them (the work is in Postgres).
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await listener.StopAsync(grace.Token);
            await listener.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var appId in _listeners.Keys.ToList()) { await StopAsync(appId); }
        await Task.WhenAll(_loops.Values);
    }
}
