using Dapr.Workflow;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Workflows.Payouts;

/// <summary>
/// Starts the payout calendar at the app's start unless it is running: idempotent (a fixed instance id, checked first), so
/// every start of every replica may try. The sidecar may not be ready yet, so it retries with back-off until it succeeds
/// or the app stops. A calendar running with another period length is left running and logged: see ADR 0025 for changing it.
/// </summary>
public sealed partial class PayoutCalendarStarter(DaprWorkflowClient workflows, IOptions<PayoutOptions> options, TimeProvider time, ILogger<PayoutCalendarStarter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureRunningAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogNotYet(logger, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    public async Task EnsureRunningAsync(CancellationToken ct)
    {
        var length = options.Value.Period;
        var state = await workflows.GetWorkflowStateAsync(PayoutCalendarWorkflow.InstanceId, getInputsAndOutputs: true, ct);
        if (state is { Exists: true, IsWorkflowRunning: true } || state?.RuntimeStatus is WorkflowRuntimeStatus.Pending or WorkflowRuntimeStatus.Suspended)
        {
            var running = state.ReadInputAs<PayoutCalendarInput>();
            if (running is not null && running.PeriodSeconds != (long)length.TotalSeconds)
            {
                LogOtherPeriod(logger, running.PeriodSeconds, (long)length.TotalSeconds);
            }

            return;
        }

        var input = new PayoutCalendarInput((long)length.TotalSeconds, PayoutPeriod.Containing(time.GetUtcNow().UtcDateTime, length).End);
        if (state is { Exists: true })
        {
            // Completed, failed or terminated: the id is free once its history is purged.
            await workflows.PurgeInstanceAsync(PayoutCalendarWorkflow.InstanceId, ct);
        }

        await workflows.ScheduleNewWorkflowAsync(nameof(PayoutCalendarWorkflow), PayoutCalendarWorkflow.InstanceId, input, startTime: null, ct);
        LogStarted(logger, input.PeriodSeconds, input.NextPeriodEnd);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Payout calendar not started yet ({Reason}); retrying in {Seconds} s")]
    private static partial void LogNotYet(ILogger logger, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The running payout calendar has a period of {Running} s, configuration says {Configured} s; it keeps its own (ADR 0025 says how to change it)")]
    private static partial void LogOtherPeriod(ILogger logger, long running, long configured);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payout calendar started: a period of {Seconds} s, first wake-up at {NextPeriodEnd:o}")]
    private static partial void LogStarted(ILogger logger, long seconds, DateTime nextPeriodEnd);
}
