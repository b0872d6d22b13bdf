using System.Text.Json;
using DaprPlatform.Sidecar.Tests.Infrastructure;
using DaprPlatform.Sidecar.Workflows;

namespace DaprPlatform.Sidecar.Tests.Workflows;

public sealed class DaprWorkflowClientWireTests
{
    private static DaprWorkflowClient Client(FakeSidecar sidecar) =>
        new(new HttpClient(), new SidecarOptions { HttpEndpoint = sidecar.Endpoint, ApiToken = "sidecar-token" });

    [Fact]
    public async Task Start_posts_the_input_to_the_start_route_with_the_instance_id_and_reads_the_202()
    {
        // Workflow API: POST /v1.0/workflows/dapr/{workflowName}/start?instanceID=<id> → 202 {"instanceID": …}.
        await using var sidecar = await FakeSidecar.StartAsync(202, """{"instanceID":"onboard-1"}""");

        var id = await Client(sidecar).ScheduleNewWorkflowAsync("UserOnboardingWorkflow", "onboard-1", new Greeting("ada"));

        id.Should().Be("onboard-1");
        var request = sidecar.Single;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/v1.0/workflows/dapr/UserOnboardingWorkflow/start");
        request.Query.Should().Be("?instanceID=onboard-1");
        request.Body.Should().Be("""{"name":"ada"}""");
        request.Header("dapr-api-token").Should().Be("sidecar-token");
        request.Header("traceparent").Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Start_without_an_instance_id_returns_the_one_the_sidecar_generated()
    {
        // Workflow API: without instanceID the sidecar generates a uuid.
        await using var sidecar = await FakeSidecar.StartAsync(202, """{"instanceID":"5d0f6c1e-2c55-4d38-a0c6-6d0f7c1e2c55"}""");

        var id = await Client(sidecar).ScheduleNewWorkflowAsync("W");

        id.Should().Be("5d0f6c1e-2c55-4d38-a0c6-6d0f7c1e2c55");
        sidecar.Single.Query.Should().BeEmpty();
        sidecar.Single.Body.Should().BeEmpty();
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("dot.ted")]
    [InlineData("ümlaut")]
    [InlineData("")]
    public async Task Start_rejects_instance_ids_dapr_would_refuse_without_calling_the_sidecar(string instanceId)
    {
        // Workflow API: instance ids are letters, digits, '-' or '_' (else 400 ERR_INSTANCE_ID_INVALID).
        await using var sidecar = await FakeSidecar.StartAsync(202, """{"instanceID":"x"}""");

        var start = () => Client(sidecar).ScheduleNewWorkflowAsync("W", instanceId);

        await start.Should().ThrowAsync<ArgumentException>();
        sidecar.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Start_rejects_instance_ids_longer_than_64_characters()
    {
        // Workflow API: at most 64 characters (else 400 ERR_INSTANCE_ID_TOO_LONG).
        await using var sidecar = await FakeSidecar.StartAsync(202, """{"instanceID":"x"}""");

        await Client(sidecar).Invoking(c => c.ScheduleNewWorkflowAsync("W", new string('a', 65))).Should().ThrowAsync<ArgumentException>();
        (await Client(sidecar).ScheduleNewWorkflowAsync("W", new string('a', 64))).Should().Be("x");
    }

    [Fact]
    public async Task Get_parses_status_times_and_properties()
    {
        // Workflow API: GET /v1.0/workflows/dapr/{instanceID} → 200 with runtimeStatus and dapr.workflow.* properties.
        await using var sidecar = await FakeSidecar.StartAsync(200, """
            {"instanceID":"i-1","workflowName":"ChainWorkflow","createdAt":"2026-01-02T03:04:05Z","lastUpdatedAt":"2026-01-02T03:04:09.5Z",
             "runtimeStatus":"COMPLETED","properties":{"dapr.workflow.input":"{\"name\":\"ada\"}","dapr.workflow.output":"\"HELLO\"",
             "dapr.workflow.custom_status":"{\"step\":\"shout\"}"}}
            """);

        var state = await Client(sidecar).GetWorkflowStateAsync("i-1");

        sidecar.Single.Method.Should().Be("GET");
        sidecar.Single.Path.Should().Be("/v1.0/workflows/dapr/i-1");
        state!.InstanceId.Should().Be("i-1");
        state.WorkflowName.Should().Be("ChainWorkflow");
        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed);
        state.IsWorkflowCompleted.Should().BeTrue();
        state.CreatedAt.Should().Be(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        state.ReadInputAs<Greeting>().Should().Be(new Greeting("ada"));
        state.ReadOutputAs<string>().Should().Be("HELLO");
        state.ReadCustomStatusAs<JsonElement>().GetProperty("step").GetString().Should().Be("shout");
        state.FailureDetails.Should().BeNull();
    }

    [Fact]
    public async Task Get_of_a_failed_instance_exposes_the_failure_properties()
    {
        await using var sidecar = await FakeSidecar.StartAsync(200, """
            {"instanceID":"i-2","workflowName":"W","runtimeStatus":"FAILED","properties":{
             "dapr.workflow.failure.error_type":"System.InvalidOperationException","dapr.workflow.failure.error_message":"boom",
             "dapr.workflow.failure.stack_trace":"at W.RunAsync"}}
            """);

        var state = await Client(sidecar).GetWorkflowStateAsync("i-2");

        state!.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Failed);
        state.FailureDetails.Should().Be(new WorkflowTaskFailureDetails("System.InvalidOperationException", "boom", "at W.RunAsync"));
        state.FailureDetails!.IsCausedBy<InvalidOperationException>().Should().BeTrue();
    }

    [Theory]
    [InlineData("RUNNING", WorkflowRuntimeStatus.Running)]
    [InlineData("SUSPENDED", WorkflowRuntimeStatus.Suspended)]
    [InlineData("TERMINATED", WorkflowRuntimeStatus.Terminated)]
    [InlineData("PENDING", WorkflowRuntimeStatus.Pending)]
    [InlineData("CONTINUED_AS_NEW", WorkflowRuntimeStatus.ContinuedAsNew)]
    [InlineData("UNKNOWN", WorkflowRuntimeStatus.Unknown)]
    public void Runtime_status_strings_map_to_the_enum(string wire, WorkflowRuntimeStatus expected)
    {
        // Workflow API: runtimeStatus strings; STALLED has no HTTP spelling and arrives as UNKNOWN.
        WorkflowState.ParseStatus(wire).Should().Be(expected);
    }

    [Theory]
    [InlineData(404, """{"errorCode":"ERR_INSTANCE_ID_NOT_FOUND","message":"unable to find workflow with the provided instance ID: x"}""")]
    [InlineData(500, """{"errorCode":"ERR_GET_WORKFLOW","message":"error getting workflow: not found"}""")]
    public async Task Get_of_an_unknown_instance_returns_null(int status, string body)
    {
        // Workflow API: 404 ERR_INSTANCE_ID_NOT_FOUND (Dapr 1.15+); older sidecars answered 500 ERR_GET_WORKFLOW "not found".
        await using var sidecar = await FakeSidecar.StartAsync(status, body);

        (await Client(sidecar).GetWorkflowStateAsync("x")).Should().BeNull();
    }

    [Fact]
    public async Task Get_failure_throws_with_the_dapr_error_code()
    {
        await using var sidecar = await FakeSidecar.StartAsync(500, """{"errorCode":"ERR_GET_WORKFLOW","message":"state store unavailable"}""");

        var error = (await Client(sidecar).Invoking(c => c.GetWorkflowStateAsync("x")).Should().ThrowAsync<SidecarException>()).Which;

        error.StatusCode.Should().Be(500);
        error.ErrorCode.Should().Be("ERR_GET_WORKFLOW");
    }

    [Fact]
    public async Task Raise_event_posts_the_payload_to_the_raise_event_route()
    {
        // Workflow API: POST …/{instanceID}/raiseEvent/{eventName} → 202; the body becomes the event data.
        await using var sidecar = await FakeSidecar.StartAsync(202);

        await Client(sidecar).RaiseEventAsync("i-1", "Approval", new Approval(true, "ops"));

        sidecar.Single.Path.Should().Be("/v1.0/workflows/dapr/i-1/raiseEvent/Approval");
        sidecar.Single.Body.Should().Be("""{"approved":true,"by":"ops"}""");
    }

    [Fact]
    public async Task Terminate_pause_resume_and_purge_post_to_their_routes()
    {
        // Workflow API: POST …/{instanceID}/terminate|pause|resume|purge → 202 with an empty body.
        await using var sidecar = await FakeSidecar.StartAsync(202);
        var client = Client(sidecar);

        await client.TerminateWorkflowAsync("i-1");
        await client.SuspendWorkflowAsync("i-1");
        await client.ResumeWorkflowAsync("i-1");
        await client.PurgeInstanceAsync("i-1");

        sidecar.Requests.Select(r => $"{r.Method} {r.Path}").Should().Equal(
            "POST /v1.0/workflows/dapr/i-1/terminate",
            "POST /v1.0/workflows/dapr/i-1/pause",
            "POST /v1.0/workflows/dapr/i-1/resume",
            "POST /v1.0/workflows/dapr/i-1/purge");
        sidecar.Requests.Should().OnlyContain(r => r.Body.Length == 0);
    }

    [Fact]
    public async Task Purge_of_a_running_instance_surfaces_the_sidecar_error()
    {
        // Workflow API: only COMPLETED, FAILED or TERMINATED instances can be purged.
        await using var sidecar = await FakeSidecar.StartAsync(500, """{"errorCode":"ERR_PURGE_WORKFLOW","message":"instance is still running"}""");

        var error = (await Client(sidecar).Invoking(c => c.PurgeInstanceAsync("i-1")).Should().ThrowAsync<SidecarException>()).Which;

        error.ErrorCode.Should().Be("ERR_PURGE_WORKFLOW");
    }

    [Fact]
    public async Task Wait_for_completion_polls_until_the_instance_reaches_an_end_state()
    {
        var polls = 0;
        await using var sidecar = await FakeSidecar.StartAsync((context, _) =>
        {
            var status = Interlocked.Increment(ref polls) < 3 ? "RUNNING" : "TERMINATED";
            return FakeSidecar.Respond(context, 200, $$"""{"instanceID":"i-1","workflowName":"W","runtimeStatus":"{{status}}","properties":{ } }""");
        });

        var state = await Client(sidecar).WaitForWorkflowCompletionAsync("i-1", TimeSpan.FromMilliseconds(10));

        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Terminated);
        sidecar.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Wait_for_completion_stops_when_cancelled()
    {
        await using var sidecar = await FakeSidecar.StartAsync(200, """{"instanceID":"i-1","workflowName":"W","runtimeStatus":"RUNNING","properties":{}}""");
        using var cancel = new CancellationTokenSource();
        var client = Client(sidecar);

        var wait = client.WaitForWorkflowCompletionAsync("i-1", TimeSpan.FromMilliseconds(10), cancel.Token);
        await cancel.CancelAsync();

        await wait.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
    }
}
