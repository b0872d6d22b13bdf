using DaprPlatform.Sidecar.Workflows;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Tests.Workflows;

public sealed record Greeting(string Name);

public sealed class ChainWorkflow : Workflow<Greeting, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, Greeting input)
    {
        context.SetCustomStatus(new { step = "greet" });
        var greeting = await context.CallActivityAsync<string>("Greet", input.Name);
        context.SetCustomStatus(new { step = "shout" });
        return await context.CallActivityAsync<string>("Shout", greeting);
    }
}

/// <summary>ChainWorkflow after someone renamed its first activity: must not replay over ChainWorkflow's history.</summary>
public sealed class RenamedChainWorkflow : Workflow<Greeting, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, Greeting input)
    {
        var greeting = await context.CallActivityAsync<string>("SayHello", input.Name);
        return await context.CallActivityAsync<string>("Shout", greeting);
    }
}

public sealed class FanOutWorkflow : Workflow<string?, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, string? input)
    {
        var results = await Task.WhenAll(context.CallActivityAsync<int>("Left"), context.CallActivityAsync<int>("Right"));
        return results.Sum();
    }
}

/// <summary>FanOutWorkflow with its calls swapped.</summary>
public sealed class ReorderedFanOutWorkflow : Workflow<string?, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, string? input)
    {
        var results = await Task.WhenAll(context.CallActivityAsync<int>("Right"), context.CallActivityAsync<int>("Left"));
        return results.Sum();
    }
}

public sealed class RetryingWorkflow(WorkflowRetryPolicy policy) : Workflow<string?, int>
{
    public override Task<int> RunAsync(WorkflowContext context, string? input) =>
        context.CallActivityAsync<int>("Flaky", input, new WorkflowTaskOptions(policy));
}

public sealed class TimerWorkflow : Workflow<int, DateTime>
{
    public override async Task<DateTime> RunAsync(WorkflowContext context, int minutes)
    {
        await context.CreateTimer(TimeSpan.FromMinutes(minutes));
        return context.CurrentUtcDateTime;
    }
}

public sealed record Approval(bool Approved, string By);

/// <summary>Prepares first (an activity), then waits for the approval event — so an event can arrive before it is awaited.</summary>
public sealed class ApprovalWorkflow : Workflow<string?, Approval>
{
    public override async Task<Approval> RunAsync(WorkflowContext context, string? input)
    {
        await context.CallActivityAsync("Prepare");
        return await context.WaitForExternalEventAsync<Approval>("Approval");
    }
}

public sealed class ApprovalWithTimeoutWorkflow : Workflow<string?, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string? input)
    {
        try
        {
            var approval = await context.WaitForExternalEventAsync<Approval>("Approval", TimeSpan.FromHours(1));
            return "approved by " + approval.By;
        }
        catch (TaskCanceledException)
        {
            return "timed out";
        }
    }
}

public sealed class ParentWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int input) =>
        2 * await context.CallChildWorkflowAsync<int>("ChildWorkflow", input);
}

/// <summary>Adds each "add" event to its running total; continues as new (keeping unread events) until the total reaches 10.</summary>
public sealed class CounterWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int total)
    {
        total += await context.WaitForExternalEventAsync<int>("add");
        if (total < 10)
        {
            context.ContinueAsNew(total, preserveUnprocessedEvents: true);
        }

        return total;
    }
}

public sealed class GuidWorkflow : Workflow<string?, Guid[]>
{
    public override async Task<Guid[]> RunAsync(WorkflowContext context, string? input)
    {
        var first = context.NewGuid();
        await context.CallActivityAsync("Use", first);
        return [first, context.NewGuid()];
    }
}

public sealed class ThrowingWorkflow : Workflow<string?, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string? input) =>
        throw new InvalidOperationException("the workflow gave up: " + input);
}

public sealed class CatchingWorkflow : Workflow<string?, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string? input)
    {
        try
        {
            return await context.CallActivityAsync<string>("Charge");
        }
        catch (WorkflowTaskFailedException ex)
        {
            return $"compensated after {ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
        }
    }
}

/// <summary>Notes what IsReplaying said at each step, so a test can see replay and live execution apart.</summary>
public sealed class ReplayObservingWorkflow(List<string> observed) : Workflow<string?, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string? input)
    {
        observed.Add($"before:{context.IsReplaying}");
        await context.CallActivityAsync("Step");
        observed.Add($"after:{context.IsReplaying}");
        return "ok";
    }
}

public sealed class NotifyingWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input)
    {
        context.SendEvent(input, "Ping", new { from = context.InstanceId });
        return Task.FromResult("sent");
    }
}

public sealed class LoggingWorkflow : Workflow<string?, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string? input)
    {
        var logger = context.CreateReplaySafeLogger<LoggingWorkflow>();
        logger.LogInformation("starting");
        await context.CallActivityAsync("Step");
        logger.LogInformation("finished");
        return "ok";
    }
}

/// <summary>Waits for an event but gives up when a durable timer it races (by cancellation) fires first.</summary>
public sealed class CancellableWaitWorkflow : Workflow<string?, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string? input)
    {
        using var cancel = new CancellationTokenSource();
        var wait = context.WaitForExternalEventAsync<string>("Go", cancel.Token);
        var deadline = context.CreateTimer(TimeSpan.FromMinutes(10), CancellationToken.None);
        if (await Task.WhenAny(wait, deadline) == deadline)
        {
            // Cancel, not CancelAsync: the callbacks must run here, on the workflow's own scheduler.
            cancel.Cancel();
            return wait.IsCanceled ? "cancelled" : "still waiting";
        }

        return await wait;
    }
}
