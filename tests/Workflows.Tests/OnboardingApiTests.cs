using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar;
using DaprPlatform.TestSupport;
using DaprPlatform.Workflows.Onboarding;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DaprPlatform.Workflows.Tests;

/// <summary>POST/GET /api/onboarding against a fake sidecar: shape checks, identity's problems passed through, start and status.</summary>
public sealed class OnboardingApiTests : IAsyncLifetime
{
    private const string Password = "Correct horse 42";
    private const string CredentialsPath = "/v1.0/invoke/identity/method/internal/onboarding/credentials";
    private const string StartPath = "/v1.0/workflows/dapr/UserOnboardingWorkflow/start";
    private FakeSidecar _sidecar = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await FakeSidecar.StartAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.ConfigureTestServices(services =>
            {
                services.Configure<SidecarOptions>(o => o.HttpEndpoint = _sidecar.BaseAddress);
                // The gRPC work-item stream is not under test here (there is no task hub behind the fake).
                foreach (var worker in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "WorkflowWorker").ToList())
                {
                    services.Remove(worker);
                }
            });
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task Start_exchanges_the_password_at_identity_and_starts_the_workflow_with_the_reference_only()
    {
        var credentialRef = Guid.NewGuid();
        _sidecar.Answers["POST " + CredentialsPath] = new SidecarAnswer(201, JsonSerializer.Serialize(new { credentialRef, expiresAt = DateTimeOffset.UtcNow.AddHours(1) }));
        _sidecar.AnswerWorkflowStart("UserOnboardingWorkflow");
        using var client = _factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/onboarding",
            new { email = " ann@example.com ", password = Password, displayName = "Ann", role = "tutor", telegramChatId = "123456" });

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var instanceId = body.GetProperty("instanceId").GetString()!;
        Guid.TryParseExact(instanceId, "N", out _).Should().BeTrue();
        body.GetProperty("statusUrl").GetString().Should().Be($"/api/onboarding/{instanceId}");
        response.Headers.Location!.ToString().Should().Be($"/api/onboarding/{instanceId}");

        _sidecar.CallsTo("POST", CredentialsPath).Should().ContainSingle().Which.Body.Should().Contain(Password);
        var start = _sidecar.CallsTo("POST", StartPath).Should().ContainSingle().Subject;
        start.PathAndQuery.Should().EndWith($"?instanceID={instanceId}");
        start.Body.Should().NotContain(Password, "the password must never enter workflow history");
        var input = JsonSerializer.Deserialize<UserOnboardingInput>(start.Body, JsonSerializerOptions.Web)!;
        input.Should().Be(new UserOnboardingInput("ann@example.com", "Ann", "tutor", "123456", credentialRef));
    }

    [Theory]
    [InlineData(400, """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The request is invalid.","status":400,"errors":{"password":["Password must be at least 10 characters."]}}""", "password")]
    [InlineData(409, """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.10","title":"Conflict","status":409,"errors":{"email":["An account with this email already exists."]}}""", "email")]
    public async Task Identity_rejections_are_passed_through_and_no_workflow_starts(int status, string problem, string field)
    {
        _sidecar.Answers["POST " + CredentialsPath] = new SidecarAnswer(status, problem, "application/problem+json");
        using var client = _factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/onboarding", new { email = "ann@example.com", password = "Short1", displayName = "Ann" });

        response.StatusCode.Should().Be((HttpStatusCode)status);
        (await response.ReadProblemAsync()).FieldErrors().Should().Equal(field);
        _sidecar.CallsTo("POST", StartPath).Should().BeEmpty();
    }

    [Fact]
    public async Task Identity_unreachable_or_failing_is_503_and_no_workflow_starts()
    {
        _sidecar.Answers["POST " + CredentialsPath] = new SidecarAnswer(500, """{"errorCode":"ERR_DIRECT_INVOKE","message":"down"}""");
        using var client = _factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/onboarding", new { email = "ann@example.com", password = Password, displayName = "Ann" });

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        await response.ReadProblemAsync();
        _sidecar.CallsTo("POST", StartPath).Should().BeEmpty();
    }

    [Fact]
    public async Task A_sidecar_without_a_workflow_engine_is_503()
    {
        _sidecar.Answers["POST " + CredentialsPath] = new SidecarAnswer(201, JsonSerializer.Serialize(new { credentialRef = Guid.NewGuid() }));
        _sidecar.Answers["POST " + StartPath] = new SidecarAnswer(500, """{"errorCode":"ERR_WORKFLOW_COMPONENT_NOT_FOUND","message":"no workflow component"}""");
        using var client = _factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/onboarding", new { email = "ann@example.com", password = Password, displayName = "Ann" });

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        await response.ReadProblemAsync();
    }

    public static TheoryData<string> BadInputCases() => new(BadInput.Keys);

    [Theory]
    [MemberData(nameof(BadInputCases))]
    public async Task Bad_input_is_a_problem_with_field_errors_and_calls_nobody(string name)
    {
        var (content, status, fields) = BadInput[name]();
        using var client = _factory.CreateClient();

        using var response = await client.PostAsync("/api/onboarding", content);

        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        (await response.ReadProblemAsync()).FieldErrors().Should().BeEquivalentTo(fields);
        _sidecar.Calls.Should().NotContain(c => c.PathAndQuery.StartsWith("/v1.0/invoke", StringComparison.Ordinal) || c.PathAndQuery.StartsWith("/v1.0/workflows", StringComparison.Ordinal));
        content.Dispose();
    }

    private static readonly Dictionary<string, Func<(HttpContent, HttpStatusCode, string[])>> BadInput = new()
    {
        ["all fields missing"] = () => (JsonContent.Create(new { }), HttpStatusCode.BadRequest, ["email", "password", "displayName"]),
        ["blank email and display name"] = () => (JsonContent.Create(new { email = "  ", password = Password, displayName = " " }), HttpStatusCode.BadRequest, ["email", "displayName"]),
        ["email over 254 characters"] = () => (JsonContent.Create(new { email = new string('a', 250) + "@b.com", password = Password, displayName = "A" }), HttpStatusCode.BadRequest, ["email"]),
        ["password over 128 characters"] = () => (JsonContent.Create(new { email = "a@b.com", password = new string('p', 129), displayName = "A" }), HttpStatusCode.BadRequest, ["password"]),
        ["display name over 100 characters"] = () => (JsonContent.Create(new { email = "a@b.com", password = Password, displayName = new string('n', 101) }), HttpStatusCode.BadRequest, ["displayName"]),
        ["role over 32 characters"] = () => (JsonContent.Create(new { email = "a@b.com", password = Password, displayName = "A", role = new string('r', 33) }), HttpStatusCode.BadRequest, ["role"]),
        ["telegram chat id not a chat id"] = () => (JsonContent.Create(new { email = "a@b.com", password = Password, displayName = "A", telegramChatId = "my chat" }), HttpStatusCode.BadRequest, ["telegramChatId"]),
        ["wrong JSON types"] = () => (new StringContent("""{"email":5,"password":[],"displayName":{}}""", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, []),
        ["malformed JSON"] = () => (new StringContent("{\"email\":", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, []),
        ["wrong content type"] = () => (new StringContent("email=a@b.com", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, []),
    };

    [Fact]
    public async Task Status_of_a_running_instance_shows_the_current_step_and_the_account()
    {
        var userId = Guid.NewGuid();
        _sidecar.AnswerWorkflowState("run1", "UserOnboardingWorkflow", "RUNNING", new Dictionary<string, string>
        {
            ["dapr.workflow.custom_status"] = JsonSerializer.Serialize(new OnboardingProgress(OnboardingSteps.ProvisionAnalyticsWorkspace, userId), JsonSerializerOptions.Web),
        });
        using var client = _factory.CreateClient();

        var body = await client.GetFromJsonAsync<JsonElement>("/api/onboarding/run1");

        body.GetProperty("status").GetString().Should().Be("RUNNING");
        body.GetProperty("step").GetString().Should().Be("ProvisionAnalyticsWorkspace");
        body.GetProperty("userId").GetGuid().Should().Be(userId);
        body.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Status_of_a_compensated_instance_is_failed_with_the_reason()
    {
        _sidecar.AnswerWorkflowState("fail1", "UserOnboardingWorkflow", "FAILED", new Dictionary<string, string>
        {
            ["dapr.workflow.custom_status"] = JsonSerializer.Serialize(new OnboardingProgress(OnboardingSteps.Compensated, Guid.NewGuid(), OnboardingSteps.ProvisionAnalyticsWorkspace), JsonSerializerOptions.Web),
            ["dapr.workflow.failure.error_type"] = typeof(OnboardingFailedException).FullName!,
            ["dapr.workflow.failure.error_message"] = "ProvisionAnalyticsWorkspace failed: boom. The sign-up was rolled back (DeleteAccount).",
        });
        using var client = _factory.CreateClient();

        var body = await client.GetFromJsonAsync<JsonElement>("/api/onboarding/fail1");

        body.GetProperty("status").GetString().Should().Be("FAILED");
        body.GetProperty("step").GetString().Should().Be("Compensated");
        body.GetProperty("error").GetString().Should().Contain("rolled back (DeleteAccount)");
    }

    [Fact]
    public async Task Status_of_a_completed_instance_carries_the_output()
    {
        var userId = Guid.NewGuid();
        _sidecar.AnswerWorkflowState("done1", "UserOnboardingWorkflow", "COMPLETED", new Dictionary<string, string>
        {
            ["dapr.workflow.custom_status"] = JsonSerializer.Serialize(new OnboardingProgress(OnboardingSteps.Completed, userId), JsonSerializerOptions.Web),
            ["dapr.workflow.output"] = JsonSerializer.Serialize(new UserOnboardingOutput(userId, OnboardingOutcomes.Completed), JsonSerializerOptions.Web),
        });
        using var client = _factory.CreateClient();

        var body = await client.GetFromJsonAsync<JsonElement>("/api/onboarding/done1");

        body.GetProperty("status").GetString().Should().Be("COMPLETED");
        body.GetProperty("outcome").GetString().Should().Be("completed");
        body.GetProperty("userId").GetGuid().Should().Be(userId);
    }

    [Theory]
    [InlineData("unknown1")]
    [InlineData("not%20valid")]
    [InlineData("other1")]
    public async Task Unknown_invalid_or_foreign_instances_are_404(string instanceId)
    {
        _sidecar.AnswerWorkflowState("other1", "SomeOtherWorkflow", "RUNNING", new Dictionary<string, string>());
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync($"/api/onboarding/{instanceId}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await response.ReadProblemAsync();
    }
}
