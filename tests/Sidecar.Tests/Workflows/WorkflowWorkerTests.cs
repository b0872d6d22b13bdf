using DaprPlatform.Grpc.TaskHub;
using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DaprPlatform.Sidecar.Tests.Workflows;

public sealed class WorkflowWorkerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private sealed class RunningWorker(ServiceProvider services, IHostedService worker) : IAsyncDisposable
    {
        public ActivityGate Gate => services.GetRequiredService<ActivityGate>();

        public Task StopAsync() => worker.StopAsync(CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            Gate.Open();
            await worker.StopAsync(CancellationToken.None);
            await services.DisposeAsync();
        }
    }

    private static async Task<RunningWorker> StartWorkerAsync(FakeTaskHub hub, Action<WorkflowWorkerOptions>? configure = null, string? sidecarApiToken = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSidecarClient(o => o.ApiToken = sidecarApiToken ?? o.ApiToken)
            .AddSingleton<ActivityGate>()
            .AddScoped<InvocationScope>()
            .AddWorkflowWorker(options =>
            {
                options.RegisterWorkflow<ChainWorkflow>().RegisterActivity<EchoActivity>().RegisterActivity<GatedActivity>();
                options.GrpcEndpoint = hub.Address;
                options.ApiToken = "worker-token";
                options.ReconnectDelay = TimeSpan.FromMilliseconds(50);
                options.MaxReconnectDelay = TimeSpan.FromMilliseconds(200);
                configure?.Invoke(options);
            })
            .BuildServiceProvider();
        var worker = services.GetServices<IHostedService>().OfType<WorkflowWorker>().Single();
        await worker.StartAsync(CancellationToken.None);
        return new RunningWorker(services, worker);
    }

    private static WorkItem ActivityItem(string name, string input, string token, int taskId = 1, string? traceParent = null)
    {
        var request = new ActivityRequest { Name = name, Input = input, TaskId = taskId, OrchestrationInstance = new OrchestrationInstance { InstanceId = "wf-1" } };
        if (traceParent is not null) { request.ParentTraceContext = new TraceContext { TraceParent = traceParent }; }
        return new WorkItem { ActivityRequest = request, CompletionToken = token };
    }

    private static Task<T> Until<T>(string what, Func<T> observe, Func<T, bool> done) =>
        Eventually.UntilAsync(what, _ => Task.FromResult(observe()), done, Patience, v => v?.ToString() ?? "null", TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Activity_work_item_is_run_and_completed_with_the_echoed_completion_token_and_trace()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub);
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        hub.Send(ActivityItem(nameof(EchoActivity), """{"name":"ada"}""", "token-7", taskId: 4, traceParent));
        await Until("the activity completion", () => hub.ActivityCompletions.Count, n => n == 1);

        // Dapr rule: each work item carries a fresh completionToken that the worker must echo in its Complete call.
        var completion = hub.ActivityCompletions.Single();
        completion.CompletionToken.Should().Be("token-7");
        completion.InstanceId.Should().Be("wf-1");
        completion.TaskId.Should().Be(4);
        completion.Result.Should().StartWith("\"EchoActivity:wf-1:4:ada:");
        var complete = hub.Calls.Single(c => c.Method == TaskHubMethods.CompleteActivityTask);
        complete.TraceParent.Should().StartWith("00-4bf92f3577b34da6a3ce929d0e0e4736-", "the activity runs in the scheduling workflow's trace");
    }

    [Fact]
    public async Task Every_call_carries_the_dapr_api_token()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub);

        hub.Send(ActivityItem(nameof(EchoActivity), """{"name":"x"}""", "t"));
        await Until("the activity completion", () => hub.ActivityCompletions.Count, n => n == 1);

        // Dapr rule: with DAPR_API_TOKEN set, SDKs send it as dapr-api-token metadata on every task-hub call.
        hub.Calls.Select(c => c.Method).Should().Contain([TaskHubMethods.Hello, TaskHubMethods.GetWorkItems, TaskHubMethods.CompleteActivityTask]);
        hub.Calls.Should().OnlyContain(c => c.ApiToken == "worker-token");
    }

    [Fact]
    public async Task Orchestrator_work_item_is_executed_and_its_actions_completed_with_the_token()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub);
        var request = new OrchestratorRequest { InstanceId = "wf-9" };
        request.NewEvents.Add(WorkflowHistory.OrchestratorStarted(DateTime.UtcNow));
        request.NewEvents.Add(WorkflowHistory.ExecutionStarted(nameof(ChainWorkflow), new Greeting("ada"), "wf-9", DateTime.UtcNow));

        hub.Send(new WorkItem { OrchestratorRequest = request, CompletionToken = "orch-token" });
        await Until("the orchestrator completion", () => hub.OrchestratorCompletions.Count, n => n == 1);

        var response = hub.OrchestratorCompletions.Single();
        response.CompletionToken.Should().Be("orch-token");
        response.InstanceId.Should().Be("wf-9");
        response.Actions.Should().ContainSingle().Which.ScheduleTask.Name.Should().Be("Greet");
    }

    [Fact]
    public async Task Unknown_activity_is_reported_as_a_failed_task_and_the_worker_keeps_going()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub);

        hub.Send(ActivityItem("NoSuchActivity", "null", "t1"));
        hub.Send(ActivityItem(nameof(EchoActivity), """{"name":"x"}""", "t2"));
        await Until("both completions", () => hub.ActivityCompletions.Count, n => n == 2);

        var byToken = hub.ActivityCompletions.ToDictionary(c => c.CompletionToken);
        byToken["t1"].FailureDetails.ErrorType.Should().Be(WorkflowActivityExecutor.ActivityNotRegisteredErrorType);
        byToken["t2"].FailureDetails.Should().BeNull();
    }

    [Fact]
    public async Task Worker_reconnects_after_the_work_item_stream_ends_and_takes_work_from_the_new_stream()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub);
        await Until("the first stream", () => hub.StreamsOpened, n => n == 1);

        hub.EndStream();
        await Until("a second stream", () => hub.StreamsOpened, n => n == 2);
        hub.Send(ActivityItem(nameof(EchoActivity), """{"name":"after"}""", "t-after"));

        await Until("the completion on the new stream", () => hub.ActivityCompletions.Count, n => n == 1);
        hub.ActivityCompletions.Single().CompletionToken.Should().Be("t-after");
    }

    [Fact]
    public async Task Hello_is_repeated_as_a_keep_alive_while_the_stream_is_open()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub, o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(30));

        await Until("three Hello calls", () => hub.Calls.Count(c => c.Method == TaskHubMethods.Hello), n => n >= 3);

        hub.StreamsOpened.Should().Be(1, "a successful keep-alive does not reopen the stream");
    }

    [Fact]
    public async Task Activities_in_flight_never_exceed_the_concurrency_cap()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub, o => o.MaxConcurrentActivities = 2);

        for (var i = 0; i < 5; i++) { hub.Send(ActivityItem(nameof(GatedActivity), i.ToString(System.Globalization.CultureInfo.InvariantCulture), $"t{i}", taskId: i)); }
        await Until("two activities running", () => worker.Gate.Running, n => n == 2);
        await Until("the sidecar having sent every item", () => hub.ItemsWritten, n => n == 5);
        hub.ActivityCompletions.Should().BeEmpty();

        worker.Gate.Open();
        await Until("all five completions", () => hub.ActivityCompletions.Count, n => n == 5);

        worker.Gate.MaxRunning.Should().Be(2);
        hub.ActivityCompletions.Select(c => c.Result).Should().BeEquivalentTo(["0", "1", "2", "3", "4"]);
    }

    [Fact]
    public async Task A_failed_keep_alive_drops_the_stream_and_the_worker_reconnects_once_hello_answers_again()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub, o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(30));
        await Until("the first stream", () => hub.StreamsOpened, n => n == 1);

        hub.RefuseHello = true;
        await Until("a refused Hello", () => hub.HelloRefusals, n => n >= 1);
        hub.RefuseHello = false;

        await Until("a second stream", () => hub.StreamsOpened, n => n == 2);
        hub.Send(ActivityItem(nameof(EchoActivity), """{"name":"again"}""", "t-again"));
        await Until("the completion on the new stream", () => hub.ActivityCompletions.Count, n => n == 1);
    }

    [Fact]
    public async Task Without_its_own_token_the_worker_sends_the_sidecar_clients_dapr_api_token()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub, o => o.ApiToken = null, sidecarApiToken: "from-dapr-api-token");

        await Until("the stream", () => hub.StreamsOpened, n => n == 1);

        hub.Calls.Should().OnlyContain(c => c.ApiToken == "from-dapr-api-token");
    }

    [Fact]
    public async Task Stopping_cancels_running_activities_without_reporting_them_and_closes_the_stream()
    {
        await using var hub = await FakeTaskHub.StartAsync();
        await using var worker = await StartWorkerAsync(hub);
        hub.Send(ActivityItem(nameof(GatedActivity), "1", "t-stop"));
        await Until("the activity running", () => worker.Gate.Running, n => n == 1);

        await worker.StopAsync();

        // Dapr rule: an activity that is never completed is handed out again by the sidecar, so a stopping worker just lets go.
        worker.Gate.Running.Should().Be(0);
        hub.ActivityCompletions.Should().BeEmpty();
    }

    [Fact]
    public async Task Workflow_client_resolves_from_di_with_the_sidecar_settings()
    {
        await using var sidecar = await Infrastructure.FakeSidecar.StartAsync(202, """{"instanceID":"di-1"}""");
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddWorkflowClient()
            .AddSidecarClient(o => { o.HttpEndpoint = sidecar.Endpoint; o.ApiToken = "di-token"; })
            .BuildServiceProvider();

        var id = await services.GetRequiredService<DaprWorkflowClient>().ScheduleNewWorkflowAsync("W");

        id.Should().Be("di-1");
        sidecar.Single.Header("dapr-api-token").Should().Be("di-token");
    }

    [Theory]
    [InlineData(null, null, "http://127.0.0.1:50001/")]
    [InlineData(null, "50123", "http://127.0.0.1:50123/")]
    [InlineData("localhost:6000", "50123", "http://localhost:6000/")]
    [InlineData("https://dapr.example:443", null, "https://dapr.example/")]
    public void Grpc_endpoint_comes_from_dapr_grpc_endpoint_then_dapr_grpc_port(string? endpoint, string? port, string expected)
    {
        // Dapr SDK rule: DAPR_GRPC_ENDPOINT wins, else DAPR_GRPC_PORT on loopback, else 50001.
        var env = new Dictionary<string, string?> { ["DAPR_GRPC_ENDPOINT"] = endpoint, ["DAPR_GRPC_PORT"] = port };

        new WorkflowWorkerOptions().ResolveGrpcEndpoint(name => env.GetValueOrDefault(name)).ToString().Should().Be(expected);
    }

    [Fact]
    public void Registering_two_workflows_under_one_name_is_refused()
    {
        var options = new WorkflowWorkerOptions().RegisterWorkflow<ChainWorkflow>();

        options.Invoking(o => o.RegisterWorkflow<RenamedChainWorkflow>(nameof(ChainWorkflow))).Should().Throw<InvalidOperationException>();
    }
}
