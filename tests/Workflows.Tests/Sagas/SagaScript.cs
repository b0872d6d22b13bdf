using DaprPlatform.Workflows.ServiceSteps;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.Tests.Sagas;

/// <summary>
/// What each activity answers in a saga test: by activity name, a function of the call (so an answer can depend on the
/// attempt or the workflow time). An activity the script does not name fails the test loudly; the metrics activity succeeds.
/// </summary>
public sealed class SagaScript
{
    private readonly Dictionary<string, Func<ActivityCall, object?>> _answers = new(StringComparer.Ordinal)
    {
        [nameof(RecordSagaOutcomeActivity)] = _ => true,
    };

    public SagaScript Answer(string activity, object? value) => On(activity, _ => value);

    public SagaScript On(string activity, Func<ActivityCall, object?> answer)
    {
        _answers[activity] = answer;
        return this;
    }

    /// <summary>Fails the first <paramref name="times"/> attempts the way a service that is down does, then answers <paramref name="value"/>.</summary>
    public SagaScript FailTransiently(string activity, int times, object? value) =>
        On(activity, call => call.Attempt <= times ? throw Unavailable(activity) : value);

    /// <summary>Every attempt fails the way a service behind an open circuit does.</summary>
    public SagaScript AlwaysUnavailable(string activity) => On(activity, _ => throw Unavailable(activity));

    /// <summary>The callee refuses with a 4xx problem the activity has no value for.</summary>
    public SagaScript Refuse(string activity, string reason) => On(activity, _ => throw new ServiceStepRefusedException("svc", 422, reason));

    public ScriptedWorkflowContext Context(string instanceId = "saga-1") => new(Run, instanceId);

    private object? Run(ActivityCall call) =>
        _answers.TryGetValue(call.Name, out var answer) ? answer(call) : throw new InvalidOperationException($"The script has no answer for {call.Name}.");

    // What DevHost's resiliency answers while the callee's circuit is open: internal text that must never reach the user.
    private static ServiceStepException Unavailable(string activity) =>
        new("svc", 500, $"svc answered 500 (failed to invoke, id: svc, err: circuit breaker is open) in {activity}.");
}
