using DaprPlatform.Sidecar.Workflows;

namespace DaprPlatform.Sidecar.Tests.Workflows;

/// <summary>A scoped dependency: each activity invocation should see its own.</summary>
public sealed class InvocationScope
{
    public Guid Id { get; } = Guid.NewGuid();
}

public sealed class EchoActivity(InvocationScope scope) : WorkflowActivity<Greeting, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, Greeting input) =>
        Task.FromResult($"{context.Name}:{context.InstanceId}:{context.TaskId}:{input.Name}:{scope.Id}");
}

public sealed class FailingActivity : WorkflowActivity<string?, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string? input) =>
        throw new InvalidOperationException("could not charge", new TimeoutException("gateway timed out"));
}

/// <summary>Counts how many run at once and holds every run until the test opens the gate.</summary>
public sealed class ActivityGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private int _maxRunning;

    public int Running => Volatile.Read(ref _running);

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public void Open() => _open.TrySetResult();

    public async Task PassAsync(CancellationToken ct)
    {
        var now = Interlocked.Increment(ref _running);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, seen) != seen)
        {
        }

        try
        {
            await _open.Task.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}

public sealed class GatedActivity(ActivityGate gate) : WorkflowActivity<int, int>
{
    public override async Task<int> RunAsync(WorkflowActivityContext context, int input)
    {
        await gate.PassAsync(context.CancellationToken);
        return input;
    }
}
