using Dapr.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>
/// The unmodified official SDK (Dapr.Workflow 1.19.1) against DevHost: its own worker (<c>AddDaprWorkflow</c>, hosted in a small
/// in-test host pointed at the app's daprGRPCPort) runs a workflow and an activity, and <see cref="DaprWorkflowClient"/> drives it.
/// </summary>
public sealed class OfficialSdkWorkflowTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private WorkflowHarness H => fixture.Harness;

    [Fact]
    public async Task The_SDK_worker_runs_an_activity_a_timer_an_external_event_and_custom_status_to_completion()
    {
        await using var app = await SdkApp.StartAsync(H.GrpcPort, o =>
        {
            o.RegisterWorkflow<ApprovalWorkflow>();
            o.RegisterActivity<GreetActivity>();
        });
        var client = app.Client;
        var id = WorkflowHarness.NewInstanceId("sdk");

        (await client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), id, new ApprovalRequest("Ada", 300))).Should().Be(id);
        await client.WaitForWorkflowStartAsync(id);

        // The workflow has greeted, slept through its durable timer and now waits for the event, saying so in its custom status.
        var waiting = await Eventually.UntilAsync("the workflow to wait for approval", _ => client.GetWorkflowStateAsync(id),
            s => s?.ReadCustomStatusAs<string>() == "waiting for approval", TimeSpan.FromSeconds(30), s => s?.RuntimeStatus.ToString() ?? "missing");
        waiting!.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Running);

        await client.RaiseEventAsync(id, "approval", new Approval("Grace"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var final = await client.WaitForWorkflowCompletionAsync(id, cancellation: deadline.Token);

        final.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed);
        final.ReadOutputAs<ApprovalResult>().Should().Be(new ApprovalResult("Hello, Ada", "Grace"));
        final.ReadCustomStatusAs<string>().Should().Be("approved");
        final.ReadInputAs<ApprovalRequest>().Should().Be(new ApprovalRequest("Ada", 300));
        (final.LastUpdatedAt - final.CreatedAt).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300), "the timer fired no earlier than its due time");

        // The engine's record of the run, as the SDK reads it back.
        var history = await H.Client.GetInstanceHistoryAsync(new Dapr.DurableTask.Protobuf.GetInstanceHistoryRequest { InstanceId = id });
        history.Events.Select(e => e.EventTypeCase).Should().Contain(
        [
            Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase.TaskScheduled, Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase.TaskCompleted,
            Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase.TimerCreated, Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase.TimerFired,
            Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase.EventRaised, Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase.ExecutionCompleted,
        ]);
    }

    public sealed record ApprovalRequest(string Name, int SleepMilliseconds);

    public sealed record Approval(string By);

    public sealed record ApprovalResult(string Greeting, string ApprovedBy);

    public sealed class ApprovalWorkflow : Workflow<ApprovalRequest, ApprovalResult>
    {
        public override async Task<ApprovalResult> RunAsync(WorkflowContext context, ApprovalRequest input)
        {
            var greeting = await context.CallActivityAsync<string>(nameof(GreetActivity), input.Name);
            await context.CreateTimer(TimeSpan.FromMilliseconds(input.SleepMilliseconds));
            context.SetCustomStatus("waiting for approval");
            var approval = await context.WaitForExternalEventAsync<Approval>("approval");
            context.SetCustomStatus("approved");
            return new ApprovalResult(greeting, approval.By);
        }
    }

    public sealed class GreetActivity : WorkflowActivity<string, string>
    {
        public override Task<string> RunAsync(WorkflowActivityContext context, string input) => Task.FromResult($"Hello, {input}");
    }
}

/// <summary>An app process in miniature: a generic host with the official SDK's workflow runtime, pointed at one sidecar's gRPC port.</summary>
internal sealed class SdkApp : IAsyncDisposable
{
    private readonly IHost _host;

    private SdkApp(IHost host) => _host = host;

    public DaprWorkflowClient Client => _host.Services.GetRequiredService<DaprWorkflowClient>();

    public static async Task<SdkApp> StartAsync(int daprGrpcPort, Action<WorkflowRuntimeOptions> workflows, string? apiToken = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?> { ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{daprGrpcPort}" };
        if (apiToken is not null) { settings["DAPR_API_TOKEN"] = apiToken; }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDaprWorkflow(workflows);
        var host = builder.Build();
        await host.StartAsync();
        return new SdkApp(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(deadline.Token);
        _host.Dispose();
    }
}
