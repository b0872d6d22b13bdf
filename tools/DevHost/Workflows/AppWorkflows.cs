using System.Threading.Channels;
using Dapr.DurableTask.Protobuf;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>One GetWorkItems stream: work items queue here until the stream writes them.</summary>
internal sealed class WorkerStream
{
    public Guid Id { get; } = Guid.NewGuid();

    public Channel<WorkItem> Items { get; } = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
}

/// <summary>An orchestration turn handed to a worker: what it was sent, so its completion can be recorded (or recognised as stale).</summary>
internal sealed record OrchestrationDispatch(
    string CompletionToken,
    Guid WorkerId,
    string ExecutionId,
    int HistoryLength,
    HistoryEvent WorkflowStarted,
    IReadOnlyList<(long Id, HistoryEvent Event)> Inbox);

internal sealed record ActivityDispatch(string CompletionToken, Guid WorkerId);

/// <summary>
/// The in-memory side of one app's workflows: its connected workers and the work in flight on them. Nothing here must
/// survive a restart — undispatched and unfinished work is in Postgres and is dispatched again with fresh tokens.
/// </summary>
internal sealed class AppWorkflows(string appId)
{
    private readonly SemaphoreSlim _wake = new(0);
    private int _next;

    public string AppId { get; } = appId;

    /// <summary>Serialises dispatching and recording completions, so a turn is never dispatched from state a completion is changing.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public List<WorkerStream> Workers { get; } = [];

    public Dictionary<string, OrchestrationDispatch> Orchestrations { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string InstanceId, int TaskId), ActivityDispatch> Activities { get; } = [];

    /// <summary>Round-robin over the connected workers (call under <see cref="Gate"/>).</summary>
    public WorkerStream? NextWorker()
    {
        if (Workers.Count == 0) { return null; }
        _next = (_next + 1) % Workers.Count;
        return Workers[_next];
    }

    /// <summary>Forgets the work in flight on a worker whose stream ended, so it is dispatched again (call under <see cref="Gate"/>).</summary>
    public void Release(WorkerStream worker)
    {
        Workers.Remove(worker);
        worker.Items.Writer.TryComplete();
        foreach (var id in Orchestrations.Where(o => o.Value.WorkerId == worker.Id).Select(o => o.Key).ToList()) { Orchestrations.Remove(id); }
        foreach (var key in Activities.Where(a => a.Value.WorkerId == worker.Id).Select(a => a.Key).ToList()) { Activities.Remove(key); }
    }

    public void Wake()
    {
        if (_wake.CurrentCount == 0) { _wake.Release(); }
    }

    public async Task WaitForWakeAsync(TimeSpan timeout, CancellationToken ct) => await _wake.WaitAsync(timeout, ct);
}
