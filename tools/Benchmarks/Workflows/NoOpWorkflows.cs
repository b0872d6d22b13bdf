using Dapr.Workflow;

namespace DaprPlatform.Benchmarks.Workflows;

/// <summary>Five no-op activities one after another, each fed the previous one's result: five scheduling round trips per instance.</summary>
public sealed class ChainedNoOps : Workflow<int, int>
{
    public const int Activities = 5;

    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = input;
        for (var i = 0; i < Activities; i++)
        {
            value = await context.CallActivityAsync<int>(nameof(NoOpActivity), value);
        }

        return value;
    }
}

/// <summary>Five no-op activities scheduled in one turn and awaited together (Task.WhenAll); returns the sum of their results.</summary>
public sealed class FanOutNoOps : Workflow<int, int>
{
    public const int Activities = 5;

    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var results = await Task.WhenAll(Enumerable.Range(0, Activities).Select(_ => context.CallActivityAsync<int>(nameof(NoOpActivity), input)));
        return results.Sum();
    }
}

/// <summary>Does nothing but hand its input back, so the benchmark measures the workflow machinery alone.</summary>
public sealed class NoOpActivity : WorkflowActivity<int, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, int input) => Task.FromResult(input);
}
