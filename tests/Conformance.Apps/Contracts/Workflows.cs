namespace DaprPlatform.Conformance.Contracts;

/// <summary>Workflow names the app registers (the SDK's default: the class name) and their payloads.</summary>
public static class WorkflowNames
{
    public const string Retry = "RetryWorkflow";
    public const string Timer = "TimerWorkflow";
    public const string Event = "EventWorkflow";
    public const string Parent = "ParentWorkflow";
    public const string Child = "ChildWorkflow";
    public const string ContinueAsNew = "ContinueAsNewWorkflow";
    public const string Gate = "GateWorkflow";
    public const string Reconnect = "ReconnectWorkflow";
}

/// <summary>The activity fails its first <paramref name="FailTimes"/> attempts; the policy allows <paramref name="MaxAttempts"/>.</summary>
public sealed record RetryInput(int FailTimes, int MaxAttempts);

/// <summary>Waits <paramref name="DelaySeconds"/> on a durable timer before it waits for the "approval" event.</summary>
public sealed record EventInput(int DelaySeconds);

public sealed record ContinueAsNewInput(int Iteration, int Until);
