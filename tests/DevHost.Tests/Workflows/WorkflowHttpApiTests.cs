using Dapr.DurableTask.Protobuf;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>The workflow management HTTP API on the sidecar port: routes, statuses and error codes of https://docs.dapr.io/reference/api/workflow_api/.</summary>
public sealed class WorkflowHttpApiTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private WorkflowHarness H => fixture.Harness;

    private static StringContent Raw(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Raw(body) };
        using var response = await H.Sidecar.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string ErrorCode(JsonElement body) => body.GetProperty("errorCode").GetString()!;

    [Fact]
    public async Task Start_answers_202_with_the_instance_id_and_passes_the_body_through_as_the_input()
    {
        var id = WorkflowHarness.NewInstanceId("http");
        var (status, body) = await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/Onboarding/start?instanceID={id}", """{"email":"a@b.c"}""");
        status.Should().Be(HttpStatusCode.Accepted);
        body.GetProperty("instanceID").GetString().Should().Be(id);

        await using var worker = H.ConnectWorker();
        var turn = await worker.NextTurnAsync(id);
        turn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ExecutionStarted).ExecutionStarted.Input.Should().Be("""{"email":"a@b.c"}""");

        // Without instanceID, Dapr generates a uuid.
        var (generatedStatus, generated) = await SendAsync(HttpMethod.Post, "/v1.0/workflows/dapr/Onboarding/start", "{}");
        generatedStatus.Should().Be(HttpStatusCode.Accepted);
        Guid.TryParse(generated.GetProperty("instanceID").GetString(), out _).Should().BeTrue();
        await worker.CompleteTurnAsync(turn, ScriptedWorker.Complete(0, null));
    }

    [Fact]
    public async Task Start_rejects_bad_ids_unknown_components_and_active_duplicates_with_Daprs_error_codes()
    {
        var (invalid, invalidBody) = await SendAsync(HttpMethod.Post, "/v1.0/workflows/dapr/W/start?instanceID=has.dot", "{}");
        invalid.Should().Be(HttpStatusCode.BadRequest);
        ErrorCode(invalidBody).Should().Be("ERR_INSTANCE_ID_INVALID");

        var (tooLong, tooLongBody) = await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/W/start?instanceID={new string('x', 65)}", "{}");
        tooLong.Should().Be(HttpStatusCode.BadRequest);
        ErrorCode(tooLongBody).Should().Be("ERR_INSTANCE_ID_TOO_LONG");

        // The component is always "dapr".
        var (component, componentBody) = await SendAsync(HttpMethod.Post, "/v1.0/workflows/temporal/W/start", "{}");
        component.Should().Be(HttpStatusCode.BadRequest);
        ErrorCode(componentBody).Should().Be("ERR_WORKFLOW_COMPONENT_NOT_FOUND");

        var id = WorkflowHarness.NewInstanceId("dup");
        (await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/W/start?instanceID={id}", "{}")).Status.Should().Be(HttpStatusCode.Accepted);
        var (duplicate, duplicateBody) = await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/W/start?instanceID={id}", "{}");
        duplicate.Should().Be(HttpStatusCode.InternalServerError);
        ErrorCode(duplicateBody).Should().Be("ERR_START_WORKFLOW");
        (await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/{id}/terminate")).Status.Should().Be(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Get_describes_the_instance_with_Daprs_field_names_and_properties()
    {
        var id = WorkflowHarness.NewInstanceId("get");
        await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/Described/start?instanceID={id}", "\"in\"");
        await using var worker = H.ConnectWorker();
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(id), "working", ScriptedWorker.Fail(0, "Oops", "it broke"));
        await H.StatusBecomesAsync(id, OrchestrationStatus.Failed);

        var (status, body) = await SendAsync(HttpMethod.Get, $"/v1.0/workflows/dapr/{id}");
        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("instanceID").GetString().Should().Be(id);
        body.GetProperty("workflowName").GetString().Should().Be("Described");
        body.GetProperty("runtimeStatus").GetString().Should().Be("FAILED");
        DateTimeOffset.Parse(body.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Should().BeAfter(DateTimeOffset.UnixEpoch);
        DateTimeOffset.Parse(body.GetProperty("lastUpdatedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Should().BeAfter(DateTimeOffset.UnixEpoch);
        var properties = body.GetProperty("properties");
        properties.GetProperty("dapr.workflow.input").GetString().Should().Be("\"in\"");
        properties.GetProperty("dapr.workflow.custom_status").GetString().Should().Be("working");
        properties.GetProperty("dapr.workflow.failure.error_type").GetString().Should().Be("Oops");
        properties.GetProperty("dapr.workflow.failure.error_message").GetString().Should().Be("it broke");

        var (missing, missingBody) = await SendAsync(HttpMethod.Get, "/v1.0/workflows/dapr/never-was");
        missing.Should().Be(HttpStatusCode.NotFound);
        ErrorCode(missingBody).Should().Be("ERR_INSTANCE_ID_NOT_FOUND");
    }

    [Fact]
    public async Task RaiseEvent_pause_resume_terminate_and_purge_answer_202_and_act()
    {
        var id = WorkflowHarness.NewInstanceId("ops");
        await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/Ops/start?instanceID={id}", "{}");
        await using var worker = H.ConnectWorker();
        await worker.CompleteTurnAsync(await worker.NextTurnAsync(id));

        // The body becomes the event data as a raw string.
        (await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/{id}/raiseEvent/approved", """{"by":"me"}""")).Status.Should().Be(HttpStatusCode.Accepted);
        var turn = await worker.NextTurnAsync(id);
        var raised = turn.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.EventRaised).EventRaised;
        (raised.Name, raised.Input).Should().Be(("approved", """{"by":"me"}"""));
        await worker.CompleteTurnAsync(turn);

        (await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/{id}/pause")).Status.Should().Be(HttpStatusCode.Accepted);
        (await SendAsync(HttpMethod.Get, $"/v1.0/workflows/dapr/{id}")).Body.GetProperty("runtimeStatus").GetString().Should().Be("SUSPENDED");
        (await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/{id}/resume", "{}")).Status.Should().Be(HttpStatusCode.Accepted);
        (await SendAsync(HttpMethod.Get, $"/v1.0/workflows/dapr/{id}")).Body.GetProperty("runtimeStatus").GetString().Should().Be("RUNNING");

        // Purge: only finished workflows (Dapr answers ERR_PURGE_WORKFLOW, 500, for a running one).
        var (running, runningBody) = await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/{id}/purge");
        running.Should().Be(HttpStatusCode.InternalServerError);
        ErrorCode(runningBody).Should().Be("ERR_PURGE_WORKFLOW");

        // Terminate answers 202 at once; the worker's last turn (with executionTerminated) ends the workflow.
        (await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/{id}/terminate")).Status.Should().Be(HttpStatusCode.Accepted);
        var last = await worker.NextTurnAsync(id);
        last.WorkflowRequest.NewEvents.Single(e => e.EventTypeCase == EventType.ExecutionTerminated).ExecutionTerminated.Recurse.Should().BeTrue("terminate over HTTP is recursive");
        await worker.CompleteTurnAsync(last);
        await H.StatusBecomesAsync(id, OrchestrationStatus.Terminated);
        (await SendAsync(HttpMethod.Get, $"/v1.0/workflows/dapr/{id}")).Body.GetProperty("runtimeStatus").GetString().Should().Be("TERMINATED");
        (await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/{id}/purge")).Status.Should().Be(HttpStatusCode.Accepted);
        (await SendAsync(HttpMethod.Get, $"/v1.0/workflows/dapr/{id}")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("raiseEvent/e")]
    [InlineData("terminate")]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("purge")]
    public async Task Operations_on_an_unknown_instance_answer_404_ERR_INSTANCE_ID_NOT_FOUND(string operation)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"/v1.0/workflows/dapr/nobody-{Guid.NewGuid():N}/{operation}");
        status.Should().Be(HttpStatusCode.NotFound);
        ErrorCode(body).Should().Be("ERR_INSTANCE_ID_NOT_FOUND");
    }

    [Fact]
    public async Task The_beta1_routes_serve_the_same_api()
    {
        // Dapr ≤ 1.14 used /v1.0-beta1; newer runtimes still serve it.
        var id = WorkflowHarness.NewInstanceId("beta");
        var (status, body) = await SendAsync(HttpMethod.Post, $"/v1.0-beta1/workflows/dapr/Beta/start?instanceID={id}", "{}");
        status.Should().Be(HttpStatusCode.Accepted);
        body.GetProperty("instanceID").GetString().Should().Be(id);
        (await SendAsync(HttpMethod.Get, $"/v1.0-beta1/workflows/dapr/{id}")).Body.GetProperty("runtimeStatus").GetString().Should().Be("PENDING");
        (await SendAsync(HttpMethod.Post, $"/v1.0-beta1/workflows/dapr/{id}/terminate")).Status.Should().Be(HttpStatusCode.Accepted);
    }
}
