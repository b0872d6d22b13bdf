using System.Collections.Concurrent;
using DaprPlatform.DevHost.Sidecar;
using Npgsql;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// What <see cref="PlatformHost"/> wires in for workflows: the engine (served on each app's gRPC listener by
/// <see cref="TaskHubGrpcService"/>) and one dispatch loop per app. Loops end with the host's stopping token.
/// </summary>
internal sealed class WorkflowHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Task> _loops = new(StringComparer.Ordinal);

    private readonly WorkflowStore _store;

    private WorkflowHost(WorkflowStore store, WorkflowEngine engine) => (_store, Engine) = (store, engine);

    public WorkflowEngine Engine { get; }

    public static async Task<WorkflowHost> CreateAsync(NpgsqlDataSource db, TimeProvider time, ILoggerFactory loggerFactory, CancellationToken stopping, CancellationToken ct)
    {
        var store = new WorkflowStore(db);
        await store.InitializeAsync(ct);
        return new WorkflowHost(store, new WorkflowEngine(store, time, loggerFactory.CreateLogger("DevHost.Workflows"), stopping));
    }

    /// <summary>Maps the workflow management HTTP API on the sidecar's HTTP listener.</summary>
    public void MapHttpApi(WebApplication sidecarListener, SidecarRuntime sidecar) => WorkflowHttpEndpoints.Map(sidecarListener, sidecar, Engine);

    /// <summary>Starts the app's dispatch loop (undelivered work from before a restart included).</summary>
    public void Start(SidecarRuntime sidecar)
        => _ = _loops.GetOrAdd(sidecar.AppId, appId => Task.Run(() => Engine.RunDispatchLoopAsync(appId), CancellationToken.None));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_loops.Values);
        await _store.Connections.DisposeAsync();
    }
}
