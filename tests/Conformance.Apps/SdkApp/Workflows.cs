using Dapr.Workflow;
using DaprPlatform.Conformance.Contracts;

namespace DaprPlatform.Conformance.SdkApp;

public static class Workflows
{
    public const string WaitingStatus = "waiting";

    public static void Register(WorkflowRuntimeOptions options)
    {
        options.RegisterWorkflow<RetryWorkflow>();
        options.RegisterWorkflow<TimerWorkflow>();
        options.RegisterWorkflow<EventWorkflow>();
        options.RegisterWorkflow<ParentWorkflow>();
        options.RegisterWorkflow<ChildWorkflow>();
        options.RegisterWorkflow<ContinueAsNewWorkflow>();
        options.RegisterWorkflow<GateWorkflow>();
        options.RegisterWorkflow<ReconnectWorkflow>();
        options.RegisterActivity<FlakyActivity>();
        options.RegisterActivity<DoubleActivity>();
        options.RegisterActivity<RecordActivity>();
        options.RegisterActivity<StampActivity>();
    }
}

/// <summary>Calls <see cref="FlakyActivity"/> with a retry policy; the output is the attempt that succeeded.</summary>
public sealed class RetryWorkflow : Workflow<RetryInput, int>
{
    public override Task<int> RunAsync(WorkflowContext context, RetryInput input)
    {
        var policy = new WorkflowRetryPolicy(input.MaxAttempts, TimeSpan.FromMilliseconds(200), 1.0);
        return context.CallActivityAsync<int>(nameof(FlakyActivity), new FlakyInput(context.InstanceId, input.FailTimes), new WorkflowTaskOptions(policy));
    }
}

public sealed record FlakyInput(string Key, int FailTimes);

/// <summary>Fails the first FailTimes attempts per key; records every attempt under "flaky:{key}".</summary>
public sealed class FlakyActivity(Recorder recorder) : WorkflowActivity<FlakyInput, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, FlakyInput input)
    {
        var attempt = recorder.Read("flaky:" + input.Key).Count + 1;
        recorder.Add("flaky:" + input.Key, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return attempt <= input.FailTimes
            ? throw new InvalidOperationException($"attempt {attempt} fails")
            : Task.FromResult(attempt);
    }
}

/// <summary>Sleeps on a durable timer; the output is the workflow time that passed, in seconds.</summary>
public sealed class TimerWorkflow : Workflow<int, double>
{
    public override async Task<double> RunAsync(WorkflowContext context, int seconds)
    {
        var start = context.CurrentUtcDateTime;
        await context.CreateTimer(TimeSpan.FromSeconds(seconds));
        return (context.CurrentUtcDateTime - start).TotalSeconds;
    }
}

/// <summary>Optionally sleeps first, then sets the custom status "waiting" and waits for the "approval" event.</summary>
public sealed class EventWorkflow : Workflow<EventInput, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, EventInput input)
    {
        if (input.DelaySeconds > 0)
        {
            await context.CreateTimer(TimeSpan.FromSeconds(input.DelaySeconds));
        }

        context.SetCustomStatus(Workflows.WaitingStatus);
        var approval = await context.WaitForExternalEventAsync<string>("approval");
        return "approved:" + approval;
    }
}

/// <summary>Runs <see cref="ChildWorkflow"/> as "{instance}-child"; the output is the child's times ten.</summary>
public sealed class ParentWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var child = await context.CallChildWorkflowAsync<int>(nameof(ChildWorkflow), input, new ChildWorkflowTaskOptions(context.InstanceId + "-child"));
        return child * 10;
    }
}

public sealed class ChildWorkflow : Workflow<int, int>
{
    public override Task<int> RunAsync(WorkflowContext context, int input) => context.CallActivityAsync<int>(nameof(DoubleActivity), input);
}

public sealed class DoubleActivity : WorkflowActivity<int, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, int input) => Task.FromResult(input * 2);
}

/// <summary>Records each iteration, then continues as new until Until; the output is the last iteration.</summary>
public sealed class ContinueAsNewWorkflow : Workflow<ContinueAsNewInput, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, ContinueAsNewInput input)
    {
        await context.CallActivityAsync(nameof(RecordActivity), $"{context.InstanceId}|{input.Iteration}");
        if (input.Iteration < input.Until)
        {
            context.ContinueAsNew(input with { Iteration = input.Iteration + 1 });
            return -1;
        }

        return input.Iteration;
    }
}

/// <summary>Records "value" under "wf:{instance}" from "{instance}|{value}".</summary>
public sealed class RecordActivity(Recorder recorder) : WorkflowActivity<string, bool>
{
    public override Task<bool> RunAsync(WorkflowActivityContext context, string input)
    {
        var (instance, value) = (input[..input.IndexOf('|', StringComparison.Ordinal)], input[(input.IndexOf('|', StringComparison.Ordinal) + 1)..]);
        recorder.Add("wf:" + instance, value);
        return Task.FromResult(true);
    }
}

/// <summary>Sets "waiting" and waits for "open"; for suspend, resume, terminate and purge.</summary>
public sealed class GateWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        context.SetCustomStatus(Workflows.WaitingStatus);
        var value = await context.WaitForExternalEventAsync<string>("open");
        return $"{input}:{value}";
    }
}

/// <summary>An activity, then "waiting" for "resume" (the suite restarts the app meanwhile), then another activity.</summary>
public sealed class ReconnectWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var before = await context.CallActivityAsync<string>(nameof(StampActivity), "before");
        context.SetCustomStatus(Workflows.WaitingStatus);
        var resumed = await context.WaitForExternalEventAsync<string>("resume");
        var after = await context.CallActivityAsync<string>(nameof(StampActivity), "after");
        return $"{before}|{resumed}|{after}";
    }
}

/// <summary>"{input}@{process id}": which process ran the activity.</summary>
public sealed class StampActivity : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input) =>
        Task.FromResult($"{input}@{Environment.ProcessId}");
}
