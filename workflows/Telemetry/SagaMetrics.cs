using System.Diagnostics;
using System.Diagnostics.Metrics;
using DaprPlatform.Sidecar.Workflows;

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

    /// <summary>
    /// Counts the ending once: orchestrator code re-runs on every replay, and only the turn that really ends the instance
    /// runs outside replay. (A turn whose completion daprd never received runs again, so the count is at-least-once.)
    /// </summary>
    public void Ended(WorkflowContext context, string saga, SagaOutcome outcome, string? result = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.IsReplaying)
        {
            return;
        }

        _outcomes.Add(1, new TagList
        {
            { "daprplatform.saga.name", saga },
            { "daprplatform.outcome", outcome.ToString().ToLowerInvariant() },
            { "daprplatform.saga.result", result },
        });
    }
}
