using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprPlatform.Workflows.Tests.Sagas;

/// <summary>One activity call the workflow made: which, with what (as JSON, the way the SDK would send it), the attempt and the workflow time.</summary>
public sealed record ActivityCall(string Name, string InputJson, int Attempt, DateTime At)
{
    public T Input<T>() => JsonSerializer.Deserialize<T>(InputJson, JsonSerializerOptions.Web)!;
}

/// <summary>
/// A test double of the official SDK's abstract <see cref="WorkflowContext"/> (ADR 0012): the workflow runs on the test's thread
/// against a virtual clock. Activities answer from a script (a value, or an exception that becomes the
/// <see cref="WorkflowTaskFailedException"/> the SDK raises, with the same ErrorType: the exception's full type name); a durable
/// timer fires by moving the clock to its time once nothing else can happen; an external event raised by the test is delivered to
/// the first wait for its name, before any timer fires. Inputs and outputs go through JSON, as they do through the sidecar.
/// </summary>
public sealed class ScriptedWorkflowContext : WorkflowContext
{
    private readonly Func<ActivityCall, object?> _activities;
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly List<(DateTime FireAt, TaskCompletionSource Done)> _timers = [];
    private readonly List<(string Name, Type Type, TaskCompletionSource<object?> Done)> _waits = [];
    private readonly Queue<(string Name, string Json)> _events = new();

    /// <param name="activities">The activity script: return the activity's output, or throw to fail this attempt.</param>
    public ScriptedWorkflowContext(Func<ActivityCall, object?> activities, string instanceId = "saga-1", DateTime? start = null)
    {
        _activities = activities;
        InstanceId = instanceId;
        Now = start ?? new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
        StartedAt = Now;
    }

    public DateTime StartedAt { get; }

    public DateTime Now { get; private set; }

    public List<ActivityCall> Calls { get; } = [];

    /// <summary>Every custom status set, in order, as JSON.</summary>
    public List<string> Statuses { get; } = [];

    /// <summary>Every timer created: its fire time.</summary>
    public List<DateTime> TimersCreated { get; } = [];

    public override string Name => "scripted";

    public override string InstanceId { get; }

    public override DateTime CurrentUtcDateTime => Now;

    public override bool IsReplaying => false;

    public IEnumerable<string> CalledNames => Calls.Select(c => c.Name);

    public T? LastStatus<T>() => Statuses.Count == 0 ? default : JsonSerializer.Deserialize<T>(Statuses[^1], JsonSerializerOptions.Web);

    /// <summary>Queues an external event; it is delivered once the workflow waits for it, before any timer fires.</summary>
    public void Raise(string name, object payload) => _events.Enqueue((name, JsonSerializer.Serialize(payload, JsonSerializerOptions.Web)));

    /// <summary>Runs the workflow to its end: delivers queued events, fires timers in time order, and fails when it would wait forever.</summary>
    public async Task<TOutput> RunAsync<TInput, TOutput>(Workflow<TInput, TOutput> workflow, TInput input)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var run = workflow.RunAsync(this, RoundTrip(input));
        while (!run.IsCompleted)
        {
            if (!Step())
            {
                throw new InvalidOperationException($"The workflow waits forever (status {Statuses.LastOrDefault()}; calls: {string.Join(", ", CalledNames)}).");
            }
        }

        return RoundTrip(await run);
    }

    public override bool IsPatched(string patchName) => true;

    public override Task<T> CallActivityAsync<T>(string name, object? input = null, WorkflowTaskOptions? options = null)
    {
        var attempt = _attempts[name] = _attempts.GetValueOrDefault(name) + 1;
        var call = new ActivityCall(name, JsonSerializer.Serialize(input, JsonSerializerOptions.Web), attempt, Now);
        Calls.Add(call);
        try
        {
            return Task.FromResult(RoundTrip<T>(_activities(call)));
        }
        catch (Exception e)
        {
            var details = new WorkflowTaskFailureDetails(e.GetType().FullName!, e.Message, e.StackTrace);
            return Task.FromException<T>(new WorkflowTaskFailedException($"Task '{name}' failed: {e.Message}", details));
        }
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        TimersCreated.Add(fireAt);
        var done = new TaskCompletionSource();
        var timer = (fireAt, done);
        _timers.Add(timer);
        cancellationToken.Register(() =>
        {
            _timers.Remove(timer);
            done.TrySetCanceled(cancellationToken);
        });
        return done.Task;
    }

    public override async Task<T> WaitForExternalEventAsync<T>(string eventName, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<object?>();
        var wait = (eventName, typeof(T), done);
        _waits.Add(wait);
        cancellationToken.Register(() =>
        {
            _waits.Remove(wait);
            done.TrySetCanceled(cancellationToken);
        });
        return (T)(await done.Task)!;
    }

    public override Task<T> WaitForExternalEventAsync<T>(string eventName, TimeSpan timeout) =>
        throw new NotSupportedException("The sagas wait with their own timers.");

    public override void SendEvent(string instanceId, string eventName, object payload) => throw new NotSupportedException();

    public override void SetCustomStatus(object? customStatus) => Statuses.Add(JsonSerializer.Serialize(customStatus, JsonSerializerOptions.Web));

    public override Task<TResult> CallChildWorkflowAsync<TResult>(string workflowName, object? input = null, ChildWorkflowTaskOptions? options = null) =>
        throw new NotSupportedException();

    public override ILogger CreateReplaySafeLogger(string categoryName) => NullLogger.Instance;

    public override ILogger CreateReplaySafeLogger(Type type) => NullLogger.Instance;

    public override ILogger<T> CreateReplaySafeLogger<T>() => NullLogger<T>.Instance;

    /// <summary>The input the workflow continued as new with (as JSON), once it did.</summary>
    public string? ContinuedAsNewWith { get; private set; }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) =>
        ContinuedAsNewWith = JsonSerializer.Serialize(newInput, JsonSerializerOptions.Web);

    public override Guid NewGuid() => Guid.NewGuid();

    public override PropagatedHistory? GetPropagatedHistory() => null;

    /// <summary>One thing happens: a queued event meets its wait, else the earliest timer fires. False when nothing can.</summary>
    private bool Step()
    {
        if (_events.Count > 0)
        {
            var (name, json) = _events.Peek();
            var waitIndex = _waits.FindIndex(w => w.Name == name);
            if (waitIndex >= 0)
            {
                _events.Dequeue();
                var wait = _waits[waitIndex];
                _waits.RemoveAt(waitIndex);
                wait.Done.TrySetResult(JsonSerializer.Deserialize(json, wait.Type, JsonSerializerOptions.Web));
                return true;
            }
        }

        if (_timers.Count == 0) { return false; }
        var next = _timers.MinBy(t => t.FireAt);
        _timers.Remove(next);
        if (next.FireAt > Now) { Now = next.FireAt; }
        next.Done.TrySetResult();
        return true;
    }

    private static T RoundTrip<T>(T value) => RoundTrip<T>((object?)value);

    private static T RoundTrip<T>(object? value) =>
        value is null ? default! : JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
}
