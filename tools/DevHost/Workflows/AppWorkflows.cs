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
    IReadOnlyList<(long Id, HistoryEvent Event)> Inbox)
{
    /// <summary>Its completion is being recorded: a second completion is stale, and no new turn is dispatched meanwhile.</summary>
    public bool Completing { get; set; }
}

internal sealed record ActivityDispatch(string CompletionToken, Guid WorkerId)
{
    /// <summary>Its result is being recorded: a second completion is stale, and the activity is not dispatched again meanwhile.</summary>
    public bool Completing { get; set; }
}

/// <summary>
/// The in-memory side of one app's workflows: its connected workers and the work in flight on them. Nothing here must
/// survive a restart — undispatched and unfinished work is in Postgres and is dispatched again with fresh tokens.
/// </summary>
internal sealed class AppWorkflows(string appId)
{
    private readonly SemaphoreSlim _wake = new(0);
    private int _next;

    public string AppId { get; } = appId;

    /// <summary>
    /// Guards the in-memory bookkeeping below (never held across a database call): a turn or activity stays registered here,
    /// marked completing, until its result is committed, so it is never dispatched again from state a completion is changing.
    /// </summary>
    public Lock Sync { get; } = new();

    /// <summary>
    /// Set when stored pending activities may be undispatched (start, a worker (dis)connecting, a direct dispatch that found no
    /// worker): the dispatcher then reads them from the database; otherwise activities are dispatched as their turn commits.
    /// </summary>
    public bool ActivityScanNeeded { get; set; } = true;

    public List<WorkerStream> Workers { get; } = [];

    public Dictionary<string, OrchestrationDispatch> Orchestrations { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string InstanceId, int TaskId), ActivityDispatch> Activities { get; } = [];

    /// <summary>
    /// History length of each running instance as its last turn committed it, until its next turn is dispatched: state read
    /// before that commit is recognised as old and read again instead of being sent.
    /// </summary>
    public Dictionary<string, int> CommittedHistory { get; } = new(StringComparer.Ordinal);

    /// <summary>Instances that had new work while a turn of theirs was in flight: the next turn follows as that one commits.</summary>
    public HashSet<string> ReadyWhileInFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>Round-robin over the connected workers (call under <see cref="Sync"/>).</summary>
    public WorkerStream? NextWorker()
    {
        if (Workers.Count == 0) { return null; }
        _next = (_next + 1) % Workers.Count;
        return Workers[_next];
    }

    /// <summary>Forgets the work in flight on a worker whose stream ended, so it is dispatched again (call under <see cref="Sync"/>).</summary>
    public void Release(WorkerStream worker)
    {
        Workers.Remove(worker);
        worker.Items.Writer.TryComplete();
        // Work whose result is being recorded stays until that commit ends; the rest is dispatched again.
        foreach (var id in Orchestrations.Where(o => o.Value.WorkerId == worker.Id && !o.Value.Completing).Select(o => o.Key).ToList()) { Orchestrations.Remove(id); }
        foreach (var key in Activities.Where(a => a.Value.WorkerId == worker.Id && !a.Value.Completing).Select(a => a.Key).ToList()) { Activities.Remove(key); }
        ActivityScanNeeded = true;
    }

    public void Wake()
    {
        if (_wake.CurrentCount == 0) { _wake.Release(); }
    }

    public async Task WaitForWakeAsync(TimeSpan timeout, CancellationToken ct) => await _wake.WaitAsync(timeout, ct);
}
