using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DaprPlatform.Grpc.TaskHub;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>
/// The <see cref="WorkflowContext"/> of one orchestration turn. Scheduling calls become actions with sequential ids
/// (0, 1, …); history events confirm them by eventId and complete them by taskScheduledId / timerId, exactly as the
/// sidecar records them. <see cref="WorkflowOrchestrationExecutor"/> feeds the events and drains the code between them.
/// </summary>
internal sealed class OrchestrationReplayContext : WorkflowContext
{
    // RFC 4122's URL namespace: any fixed namespace works, it only has to be the same on every replay.
    private static readonly Guid GuidNamespace = new("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

    private readonly SortedDictionary<int, OrchestratorAction> _pendingActions = [];
    private readonly Dictionary<int, OpenTask> _openTasks = [];
    private readonly List<HistoryEvent> _bufferedEvents = [];
    private readonly List<EventWaiter> _eventWaiters = [];
    private readonly ILoggerFactory _loggerFactory;
    private int _nextActionId;
    private int _guidCounter;
    private (string? Input, bool PreserveEvents)? _continueAsNew;

    public OrchestrationReplayContext(string instanceId, ILoggerFactory loggerFactory)
    {
        InstanceId = instanceId;
        _loggerFactory = loggerFactory;
    }

    public override string Name => WorkflowName ?? "";

    public string? WorkflowName { get; set; }

    public override string InstanceId { get; }

    public override DateTime CurrentUtcDateTime => CurrentTime;

    public DateTime CurrentTime { get; set; } = DateTime.SpecifyKind(DateTime.UnixEpoch, DateTimeKind.Utc);

    public override bool IsReplaying => Replaying;

    public bool Replaying { get; set; }

    public string? CustomStatusJson { get; private set; }

    public IEnumerable<OrchestratorAction> PendingActions => _pendingActions.Values;

    public int AllocateActionId() => _nextActionId++;

    /// <summary>Set when the workflow asked to continue as new: its next input and whether unconsumed events move along.</summary>
    public (string? Input, bool PreserveEvents)? ContinueAsNewRequest => _continueAsNew;

    /// <summary>Raised events received but never awaited, in arrival order (carried over on continue-as-new).</summary>
    public IReadOnlyList<HistoryEvent> UnconsumedEvents => _bufferedEvents;

    public override async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, WorkflowTaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var inputJson = WorkflowJson.Serialize(input);
        var result = await WithRetriesAsync(options?.RetryPolicy, () =>
        {
            var action = new ScheduleTaskAction { Name = name };
            if (inputJson is not null) { action.Input = inputJson; }
            return Schedule(new OrchestratorAction { ScheduleTask = action }, ActionKind.Activity, name).Completion.Task;
        });
        return WorkflowJson.Deserialize<TResult>(result);
    }

    public override async Task<TResult> CallChildWorkflowAsync<TResult>(string workflowName, object? input = null, ChildWorkflowTaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowName);
        var inputJson = WorkflowJson.Serialize(input);
        var result = await WithRetriesAsync(options?.RetryPolicy, () =>
        {
            var id = _nextActionId;
            var action = new CreateSubOrchestrationAction
            {
                Name = workflowName,
                // Same shape as Dapr's own default (parent id + action id in hex), so replays name the same child.
                InstanceId = options?.InstanceId ?? $"{InstanceId}:{id.ToString("x4", CultureInfo.InvariantCulture)}",
            };
            if (inputJson is not null) { action.Input = inputJson; }
            return Schedule(new OrchestratorAction { CreateSubOrchestration = action }, ActionKind.ChildWorkflow, workflowName).Completion.Task;
        });
        return WorkflowJson.Deserialize<TResult>(result);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken = default)
    {
        var action = new CreateTimerAction { FireAt = Timestamp.FromDateTime(DateTime.SpecifyKind(fireAt.ToUniversalTime(), DateTimeKind.Utc)) };
        var open = Schedule(new OrchestratorAction { CreateTimer = action }, ActionKind.Timer, "");
        if (cancellationToken.CanBeCanceled)
        {
            // The timer stays in history either way; cancelling only stops this code waiting for it.
            cancellationToken.Register(() => open.Completion.TrySetCanceled(cancellationToken));
        }

        return open.Completion.Task;
    }

    public override async Task<T> WaitForExternalEventAsync<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        return WorkflowJson.Deserialize<T>(await WaitForEventCore(eventName, cancellationToken));
    }

    public override async Task<T> WaitForExternalEventAsync<T>(string eventName, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await WaitForExternalEventAsync<T>(eventName);
        }

        if (TakeBuffered(eventName) is { } early)
        {
            return WorkflowJson.Deserialize<T>(early.EventRaised.Input);
        }

        using var race = new CancellationTokenSource();
        var eventTask = WaitForEventCore(eventName, race.Token);
        var timerTask = CreateTimer(CurrentUtcDateTime + timeout, race.Token);
        var winner = await Task.WhenAny(eventTask, timerTask);
        // Synchronous on purpose: the cancellation callbacks touch this context and must run on the drained thread.
        race.Cancel();
        if (winner == eventTask)
        {
            return WorkflowJson.Deserialize<T>(await eventTask);
        }

        throw new TaskCanceledException($"No '{eventName}' event arrived within {timeout}.");
    }

    public override void SendEvent(string instanceId, string eventName, object? payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var action = new SendEventAction { Instance = new OrchestrationInstance { InstanceId = instanceId }, Name = eventName };
        if (WorkflowJson.Serialize(payload) is { } data) { action.Data = data; }
        Schedule(new OrchestratorAction { SendEvent = action }, ActionKind.EventSent, eventName);
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) =>
        _continueAsNew = (WorkflowJson.Serialize(newInput), preserveUnprocessedEvents);

    public override void SetCustomStatus(object? customStatus) => CustomStatusJson = WorkflowJson.Serialize(customStatus);

    public override Guid NewGuid()
    {
        // UUID version 5 (RFC 4122 §4.3): SHA-1 over namespace + name, then the version and variant bits.
        var name = string.Create(CultureInfo.InvariantCulture, $"{InstanceId}_{CurrentUtcDateTime:o}_{_guidCounter++}");
        Span<byte> namespaceBytes = stackalloc byte[16];
        GuidNamespace.TryWriteBytes(namespaceBytes, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        namespaceBytes.CopyTo(buffer);
        nameBytes.CopyTo(buffer, 16);
#pragma warning disable CA5350 // RFC 4122 defines version 5 with SHA-1; this is an identifier, not a security use.
        var hash = SHA1.HashData(buffer);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public override ILogger CreateReplaySafeLogger(string categoryName) =>
        new ReplaySafeLogger(_loggerFactory.CreateLogger(categoryName), () => Replaying);

    /// <summary>
    /// A history event recorded for action <paramref name="id"/>. Returns an error text when the code no longer
    /// schedules what the history says it did (non-determinism), else null.
    /// </summary>
    public string? Confirm(int id, ActionKind recordedKind, string recordedName)
    {
        if (!_pendingActions.Remove(id, out var action))
        {
            return $"The history records {Describe(recordedKind, recordedName)} as action #{id}, but the workflow code did not schedule action #{id} on replay.";
        }

        var (kind, name) = Identify(action);
        var sameName = recordedKind is ActionKind.Timer || string.Equals(name, recordedName, StringComparison.Ordinal);
        return kind == recordedKind && sameName
            ? null
            : $"Action #{id}: the workflow code now schedules {Describe(kind, name)}, but the history recorded {Describe(recordedKind, recordedName)}.";
    }

    /// <summary>Completes the task waiting on action <paramref name="id"/>; a completion nobody waits for (a duplicate) is ignored.</summary>
    public string? Resolve(int id, ActionKind kind, string? resultJson, TaskFailureDetails? failure)
    {
        if (!_openTasks.Remove(id, out var open))
        {
            return null;
        }

        if (open.Kind != kind)
        {
            return $"The history completes action #{id} as {Describe(kind, "")}, but the workflow code scheduled {Describe(open.Kind, open.Name)} with that id.";
        }

        if (failure is null)
        {
            open.Completion.TrySetResult(resultJson);
        }
        else
        {
            var details = WorkflowTaskFailureDetails.From(failure)!;
            var what = kind == ActionKind.ChildWorkflow ? "Child workflow" : "Activity";
            open.Completion.TrySetException(new WorkflowTaskFailedException($"{what} '{open.Name}' (#{id}) failed: {details}", details));
        }

        return null;
    }

    /// <summary>An eventRaised: the oldest waiter for that name gets it, otherwise it waits in the buffer.</summary>
    public void Deliver(HistoryEvent raised)
    {
        var waiter = _eventWaiters.Find(w => string.Equals(w.Name, raised.EventRaised.Name, StringComparison.OrdinalIgnoreCase));
        if (waiter is null)
        {
            _bufferedEvents.Add(raised);
            return;
        }

        _eventWaiters.Remove(waiter);
        waiter.Completion.TrySetResult(raised.EventRaised.Input);
    }

    private OpenTask Schedule(OrchestratorAction action, ActionKind kind, string name)
    {
        action.Id = _nextActionId++;
        _pendingActions.Add(action.Id, action);
        var open = new OpenTask(kind, name);
        if (kind != ActionKind.EventSent)
        {
            _openTasks.Add(action.Id, open);
        }

        return open;
    }

    private async Task<string?> WithRetriesAsync(WorkflowRetryPolicy? policy, Func<Task<string?>> attempt)
    {
        if (policy is null)
        {
            return await attempt();
        }

        var firstAttemptAt = CurrentUtcDateTime;
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await attempt();
            }
            catch (WorkflowTaskFailedException ex) when (!ex.FailureDetails.IsNonRetriable && failures < policy.MaxNumberOfAttempts)
            {
                var delay = policy.DelayAfterFailure(failures);
                if (policy.RetryTimeout is { } limit && CurrentUtcDateTime + delay > firstAttemptAt + limit)
                {
                    throw;
                }

                await CreateTimer(CurrentUtcDateTime + delay);
            }
        }
    }

    private Task<string?> WaitForEventCore(string eventName, CancellationToken cancellationToken)
    {
        if (TakeBuffered(eventName) is { } buffered)
        {
            return Task.FromResult<string?>(buffered.EventRaised.Input);
        }

        var waiter = new EventWaiter(eventName);
        _eventWaiters.Add(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (_eventWaiters.Remove(waiter)) { waiter.Completion.TrySetCanceled(cancellationToken); }
            });
        }

        return waiter.Completion.Task;
    }

    private HistoryEvent? TakeBuffered(string eventName)
    {
        var index = _bufferedEvents.FindIndex(e => string.Equals(e.EventRaised.Name, eventName, StringComparison.OrdinalIgnoreCase));
        if (index < 0) { return null; }
        var buffered = _bufferedEvents[index];
        _bufferedEvents.RemoveAt(index);
        return buffered;
    }

    private static (ActionKind Kind, string Name) Identify(OrchestratorAction action) => action.OrchestratorActionTypeCase switch
    {
        OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask => (ActionKind.Activity, action.ScheduleTask.Name),
        OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration => (ActionKind.ChildWorkflow, action.CreateSubOrchestration.Name),
        OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer => (ActionKind.Timer, ""),
        OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent => (ActionKind.EventSent, action.SendEvent.Name),
        _ => (ActionKind.Other, action.OrchestratorActionTypeCase.ToString()),
    };

    private static string Describe(ActionKind kind, string name) => kind switch
    {
        ActionKind.Activity => $"activity '{name}'",
        ActionKind.ChildWorkflow => $"child workflow '{name}'",
        ActionKind.Timer => "a timer",
        ActionKind.EventSent => $"sending event '{name}'",
        _ => $"'{name}'",
    };

    private sealed class OpenTask(ActionKind kind, string name)
    {
        public ActionKind Kind { get; } = kind;

        public string Name { get; } = name;

        public TaskCompletionSource<string?> Completion { get; } = new();
    }

    private sealed class EventWaiter(string name)
    {
        public string Name { get; } = name;

        public TaskCompletionSource<string?> Completion { get; } = new();
    }

    private sealed class ReplaySafeLogger(ILogger inner, Func<bool> isReplaying) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !isReplaying() && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!isReplaying()) { inner.Log(logLevel, eventId, state, exception, formatter); }
        }
    }
}

/// <summary>What an action schedules, for matching it against the history event recorded for its id.</summary>
internal enum ActionKind
{
    Activity,
    ChildWorkflow,
    Timer,
    EventSent,
    Other,
}
