namespace DaprPlatform.Sidecar.Workflows;

/// <summary>The untyped face of a workflow, so the executor can run any registered workflow class.</summary>
public interface IWorkflow
{
    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(WorkflowContext context, object? input);
}

/// <summary>
/// A workflow: orchestration code replayed from its history, so it must be deterministic — all time, ids, waiting and
/// I/O go through the <see cref="WorkflowContext"/>. Shaped like the Dapr .NET SDK's <c>Workflow&lt;TInput, TOutput&gt;</c>.
/// </summary>
public abstract class Workflow<TInput, TOutput> : IWorkflow
{
    Type IWorkflow.InputType => typeof(TInput);

    Type IWorkflow.OutputType => typeof(TOutput);

    public abstract Task<TOutput> RunAsync(WorkflowContext context, TInput input);

    async Task<object?> IWorkflow.RunAsync(WorkflowContext context, object? input) => await RunAsync(context, (TInput)input!);
}

/// <summary>The untyped face of an activity, so the activity executor can run any registered activity class.</summary>
public interface IWorkflowActivity
{
    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(WorkflowActivityContext context, object? input);
}

/// <summary>
/// A workflow activity: ordinary code (I/O allowed) that runs at least once per scheduling — make it idempotent.
/// Resolved from a fresh DI scope per invocation. Shaped like the SDK's <c>WorkflowActivity&lt;TInput, TOutput&gt;</c>.
/// </summary>
public abstract class WorkflowActivity<TInput, TOutput> : IWorkflowActivity
{
    Type IWorkflowActivity.InputType => typeof(TInput);

    Type IWorkflowActivity.OutputType => typeof(TOutput);

    public abstract Task<TOutput> RunAsync(WorkflowActivityContext context, TInput input);

    async Task<object?> IWorkflowActivity.RunAsync(WorkflowActivityContext context, object? input) => await RunAsync(context, (TInput)input!);
}

/// <summary>What an activity knows about the call that scheduled it.</summary>
/// <param name="Name">The activity name the workflow scheduled.</param>
/// <param name="InstanceId">The workflow instance that scheduled it.</param>
/// <param name="TaskId">The action id of the scheduling (the taskScheduled event id): with the instance id, a natural idempotency key.</param>
/// <param name="TaskExecutionId">Dapr 1.16+: a unique id per execution attempt; empty on older sidecars.</param>
/// <param name="CancellationToken">Fires when the worker shuts down; the sidecar then redelivers the activity.</param>
public sealed record WorkflowActivityContext(string Name, string InstanceId, int TaskId, string TaskExecutionId, CancellationToken CancellationToken);
