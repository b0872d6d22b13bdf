using System.Text.Json;
using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.Sidecar;
using DaprPlatform.Workflows.Onboarding;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Tests;

/// <summary>Each activity's invocation (app, method, path, idempotency key) and how a service's error becomes the step's failure.</summary>
public sealed class OnboardingActivityTests : IAsyncLifetime
{
    private static readonly Guid UserId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b11");
    private FakeSidecar _sidecar = null!;
    private HttpClient _http = null!;
    private ServiceStepCall _call = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await FakeSidecar.StartAsync();
        _http = new HttpClient();
        _call = new ServiceStepCall(new SidecarClient(_http, new SidecarOptions { HttpEndpoint = _sidecar.BaseAddress }));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task CreateAccount_redeems_the_credential_with_the_instance_and_step_as_idempotency_key()
    {
        // Dapr rule: activities are delivered at least once, so each call carries a key that is stable across redeliveries.
        var credentialRef = Guid.NewGuid();
        _sidecar.Answers["POST /v1.0/invoke/identity/method/internal/users"] = new SidecarAnswer(201, JsonSerializer.Serialize(new { id = UserId, email = "a@example.com" }));

        var created = await new CreateAccountActivity(_call).RunAsync(Context("wf-7", 0), new CreateAccountInput(credentialRef));

        created.UserId.Should().Be(UserId);
        var call = _sidecar.CallsTo("POST", "/v1.0/invoke/identity/method/internal/users").Should().ContainSingle().Subject;
        using var body = JsonDocument.Parse(call.Body);
        body.RootElement.GetProperty("idempotencyKey").GetString().Should().Be("wf-7:CreateAccount");
        body.RootElement.GetProperty("credentialRef").GetGuid().Should().Be(credentialRef);
        call.Headers["Idempotency-Key"].Should().Be("wf-7:CreateAccount");
    }

    [Theory]
    [InlineData("provision", "PUT", "/v1.0/invoke/analytics/method/internal/workspaces/{0}", "wf-8:ProvisionAnalyticsWorkspace")]
    [InlineData("deprovision", "DELETE", "/v1.0/invoke/analytics/method/internal/workspaces/{0}", "wf-8:DeprovisionAnalyticsWorkspace")]
    [InlineData("preferences", "PUT", "/v1.0/invoke/notifications/method/internal/preferences/{0}/defaults", "wf-8:SetDefaultNotificationPreferences")]
    [InlineData("delete", "DELETE", "/v1.0/invoke/identity/method/internal/users/{0}", "wf-8:DeleteAccount")]
    public async Task User_steps_call_their_service_with_the_step_key(string activity, string method, string pathFormat, string key)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, UserId);
        _sidecar.Answers[$"{method} {path}"] = new SidecarAnswer(method == "DELETE" ? 204 : 201);
        IWorkflowActivity step = activity switch
        {
            "provision" => new ProvisionAnalyticsWorkspaceActivity(_call),
            "deprovision" => new DeprovisionAnalyticsWorkspaceActivity(_call),
            "preferences" => new SetDefaultNotificationPreferencesActivity(_call),
            _ => new DeleteAccountActivity(_call),
        };

        var done = (StepDone)(await step.RunAsync(Context("wf-8", 3), new OnboardingUser(UserId)))!;

        done.StatusCode.Should().Be(method == "DELETE" ? 204 : 201);
        _sidecar.CallsTo(method, path).Should().ContainSingle().Which.Headers["Idempotency-Key"].Should().Be(key);
    }

    [Fact]
    public async Task SendWelcome_posts_the_chat_id_and_key_to_notifications()
    {
        _sidecar.Answers["POST /v1.0/invoke/notifications/method/internal/notifications/welcome"] = new SidecarAnswer(200, "{}");

        await new SendWelcomeActivity(_call).RunAsync(Context("wf-9", 6), new WelcomeInput(UserId, "Ann", "@ann_chat"));

        var call = _sidecar.CallsTo("POST", "/v1.0/invoke/notifications/method/internal/notifications/welcome").Should().ContainSingle().Subject;
        using var body = JsonDocument.Parse(call.Body);
        body.RootElement.GetProperty("telegramChatId").GetString().Should().Be("@ann_chat");
        body.RootElement.GetProperty("idempotencyKey").GetString().Should().Be("wf-9:SendWelcome");
        body.RootElement.GetProperty("userId").GetGuid().Should().Be(UserId);
    }

    [Fact]
    public async Task A_problem_answer_becomes_an_error_naming_the_app_the_status_and_the_detail()
    {
        _sidecar.Answers[$"PUT /v1.0/invoke/analytics/method/internal/workspaces/{UserId}"] = new SidecarAnswer(503,
            """{"type":"about:blank","title":"The service is temporarily unavailable.","status":503,"detail":"Workspace provisioning is switched off."}""",
            "application/problem+json");

        var act = () => new ProvisionAnalyticsWorkspaceActivity(_call).RunAsync(Context("wf-10", 2), new OnboardingUser(UserId));

        var failure = (await act.Should().ThrowAsync<ServiceStepException>()).Which;
        failure.StatusCode.Should().Be(503);
        failure.AppId.Should().Be("analytics");
        failure.Message.Should().Be("analytics answered 503 (Workspace provisioning is switched off).");
    }

    [Fact]
    public async Task A_dapr_error_answer_is_described_by_its_message()
    {
        _sidecar.Answers["POST /v1.0/invoke/identity/method/internal/users"] = new SidecarAnswer(500,
            """{"errorCode":"ERR_DIRECT_INVOKE","message":"app identity is not reachable"}""");

        var act = () => new CreateAccountActivity(_call).RunAsync(Context("wf-11", 0), new CreateAccountInput(Guid.NewGuid()));

        (await act.Should().ThrowAsync<ServiceStepException>()).Which.Message
            .Should().Be("identity answered 500 (app identity is not reachable).");
    }

    [Fact]
    public async Task A_created_answer_without_a_user_id_is_a_failure_not_a_fake_success()
    {
        _sidecar.Answers["POST /v1.0/invoke/identity/method/internal/users"] = new SidecarAnswer(201, """{"email":"a@example.com"}""");

        var act = () => new CreateAccountActivity(_call).RunAsync(Context("wf-12", 0), new CreateAccountInput(Guid.NewGuid()));

        await act.Should().ThrowAsync<ServiceStepException>();
    }

    private static WorkflowActivityContext Context(string instanceId, int taskId) => new("activity", instanceId, taskId, "", CancellationToken.None);
}
