namespace DaprPlatform.Sidecar.Workflows;

/// <summary>
/// Runs workflow code one continuation at a time, on the executor's thread and only when the executor drains it:
/// the code observes history events strictly in order, so replays are deterministic. Continuations that arrive from
/// elsewhere (a workflow awaiting real I/O, which it must not do) are queued and simply never run once the turn is over.
/// </summary>
internal sealed class OrchestrationScheduler : TaskScheduler
{
    private readonly Queue<Task> _queue = new();
    private readonly Lock _gate = new();
    private int _drainingThreadId = -1;

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Runs queued continuations (and whatever they queue) until nothing is left.</summary>
    public void Drain()
    {
        _drainingThreadId = Environment.CurrentManagedThreadId;
        try
        {
            while (TryDequeue(out var task))
            {
                TryExecuteTask(task);
            }
        }
        finally
        {
            _drainingThreadId = -1;
        }
    }

    protected override void QueueTask(Task task)
    {
        lock (_gate)
        {
            _queue.Enqueue(task);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        !taskWasPreviouslyQueued && Environment.CurrentManagedThreadId == _drainingThreadId && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_gate)
        {
            return _queue.ToArray();
        }
    }

    private bool TryDequeue(out Task task)
    {
        lock (_gate)
        {
            return _queue.TryDequeue(out task!);
        }
    }
}
