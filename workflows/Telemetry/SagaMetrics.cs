using System.Diagnostics;
using System.Diagnostics.Metrics;
using Dapr.Workflow;

namespace DaprPlatform.Workflows.Telemetry;

/// <summary>How a saga ended: reached its goal, stopped with every completed step undone, or could not undo itself (or broke).</summary>
public enum SagaOutcome
{
    Completed,
    Compensated,
    Failed,
}

/// <summary>daprplatform.saga.outcomes on the meter <see cref="MeterName"/>: one count per saga instance that ended.</summary>
public sealed class SagaMetrics
{
    public const string MeterName = "DaprPlatform.Workflows";

    private readonly Counter<long> _outcomes;

    public SagaMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _outcomes = meterFactory.Create(MeterName)
            .CreateCounter<long>("daprplatform.saga.outcomes", "{saga}", "Saga instances that ended, by saga name and outcome.");
    }

    public void Ended(SagaEnding ending)
    {
        ArgumentNullException.ThrowIfNull(ending);
        _outcomes.Add(1, new TagList
        {
            { "daprplatform.saga.name", ending.Saga },
            { "daprplatform.outcome", ending.Outcome.ToString().ToLowerInvariant() },
            { "daprplatform.saga.result", ending.Result },
        });
    }
}

public sealed record SagaEnding(string Saga, SagaOutcome Outcome, string? Result);

/// <summary>
/// Counts a saga's ending. An activity, because the official SDK builds workflows without dependency injection (DAPR1305) and
/// orchestrator code re-runs on every replay: the activity's completion is in history, so a replay does not count again.
/// (A completion daprd never received runs again, so the count is at-least-once.)
/// </summary>
public sealed class RecordSagaOutcomeActivity(SagaMetrics metrics) : WorkflowActivity<SagaEnding, bool>
{
    public override Task<bool> RunAsync(WorkflowActivityContext context, SagaEnding input)
    {
        metrics.Ended(input);
        return Task.FromResult(true);
    }
}

public static class SagaOutcomes
{
    /// <summary>Records the ending; a failure to count never changes how the saga ends.</summary>
    public static async Task RecordAsync(WorkflowContext context, string saga, SagaOutcome outcome, string? result)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.CallActivityAsync<bool>(nameof(RecordSagaOutcomeActivity), new SagaEnding(saga, outcome, result));
        }
        catch (WorkflowTaskFailedException)
        {
            // Metrics only.
        }
    }
}
