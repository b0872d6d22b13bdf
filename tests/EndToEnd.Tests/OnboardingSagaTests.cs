using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.DevHost;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// The UserOnboarding saga through the gateway on DevHost: workflows app → identity, analytics, notifications by invocation,
/// the workflow engine in the workflows app's sidecar. Happy path, compensation, and a restart of the workflows app mid-saga.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OnboardingSagaTests(PlatformFixture platform)
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task Sign_up_completes_and_the_user_can_log_in_with_a_workspace_and_a_welcome()
    {
        var email = Email();

        var (instanceId, statusUrl) = await StartAsync(email);
        var status = await WaitForEndAsync(statusUrl);

        status.GetProperty("status").GetString().Should().Be("COMPLETED", status.ToString());
        status.GetProperty("outcome").GetString().Should().Be("completed");
        status.GetProperty("step").GetString().Should().Be("Completed");
        var userId = status.GetProperty("userId").GetGuid();
        var token = await LogInAsync(email);
        (await CountAsync("analytics", "SELECT count(*) FROM workspaces WHERE user_id = @id", userId)).Should().Be(1);
        var welcome = await WaitForWelcomesAsync(token);
        welcome.Should().ContainSingle("the saga greets once, and the user.registered handler leaves onboarding accounts to it");
        instanceId.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Analytics_refusing_the_workspace_rolls_the_sign_up_back_and_publishes_user_deleted()
    {
        // Failure injection through configuration only: analytics answers 503 to provisioning while this is set.
        // DevHost gives the variable to the analytics process alone; the test process's environment stays untouched.
        // A 503 is transient, so the saga retries it until the sign-up's deadline: shortened here to keep the test quick, to
        // one attempt of the step (which workflows' sidecar already makes four calls: appRetry retries 503). A second attempt
        // would make six failures in a row and open the sidecar's circuit breaker to analytics, and the compensation would
        // then only wait out its 30 s.
        await Task.WhenAll(
            platform.RestartAppAsync("analytics", new Dictionary<string, string> { ["Workspaces__RefuseProvisioning"] = "true" }),
            platform.RestartAppAsync("workflows", new Dictionary<string, string> { ["Onboarding__StepDeadline"] = "00:00:02" }));
        try
        {
            var email = Email();

            var (_, statusUrl) = await StartAsync(email);
            var status = await WaitForEndAsync(statusUrl);

            status.GetProperty("status").GetString().Should().Be("FAILED", status.ToString());
            status.GetProperty("step").GetString().Should().Be("Compensated");
            status.GetProperty("error").GetString().Should().StartWith("ProvisionAnalyticsWorkspace failed").And.Contain("analytics was unavailable until the sign-up's deadline")
                .And.Contain("rolled back (DeprovisionAnalyticsWorkspace, DeleteAccount)").And.NotContain("503");
            var userId = status.GetProperty("userId").GetGuid();

            var login = await platform.Gateway.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
            login.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the account was deleted by the compensation");
            (await CountAsync("identity", "SELECT count(*) FROM users WHERE id = @id", userId)).Should().Be(0);
            (await CountAsync("analytics", "SELECT count(*) FROM workspaces WHERE user_id = @id", userId)).Should().Be(0);
            await Eventually.UntilAsync(
                "user.deleted to leave identity's outbox",
                _ => CountAsync("identity", "SELECT count(*) FROM outbox_messages WHERE topic = 'user.deleted' AND sent_at IS NOT NULL AND payload->>'userId' = @id::text", userId),
                sent => sent == 1,
                TimeSpan.FromSeconds(60),
                sent => $"{sent} published user.deleted rows");
        }
        finally
        {
            await Task.WhenAll(
                platform.RestartAppAsync("analytics", new Dictionary<string, string>()),
                platform.RestartAppAsync("workflows", new Dictionary<string, string>()));
        }
    }

    [Fact]
    public async Task A_crash_of_the_workflows_app_mid_saga_is_survived_and_no_step_runs_twice()
    {
        // Pin the saga at a known step: with notifications down, SetDefaultNotificationPreferences keeps failing and retrying.
        await platform.Host.StopAppAsync("notifications");
        string instanceId;
        try
        {
            var email = Email();
            (instanceId, var statusUrl) = await StartAsync(email);
            await WaitForEngineStepAsync(instanceId, "SetDefaultNotificationPreferences");

            // SIGKILL, not a graceful stop: the worker's stream to the sidecar just breaks, mid-retry of that step.
            await platform.Host.StopAppAsync("workflows", AppStopMode.Kill);
            var engine = await GetEngineStatusAsync(instanceId);
            engine.GetProperty("runtimeStatus").GetString().Should().Be("RUNNING", "the instance outlives its worker: " + engine);

            await platform.StartAppAsync("notifications");
            await platform.StartAppAsync("workflows");
            var status = await WaitForEndAsync(statusUrl);

            status.GetProperty("status").GetString().Should().Be("COMPLETED", status.ToString());
            var userId = status.GetProperty("userId").GetGuid();
            var token = await LogInAsync(email);
            (await CountAsync("identity", "SELECT count(*) FROM users WHERE normalized_email = @email", email.ToLowerInvariant())).Should().Be(1);
            (await CountAsync("analytics", "SELECT count(*) FROM workspaces WHERE user_id = @id", userId)).Should().Be(1);
            (await WaitForWelcomesAsync(token)).Should().ContainSingle("activities redelivered after the crash are idempotent per {instanceId}:{step}");
        }
        finally
        {
            // Leave the shared platform whole for the other tests whatever happened above.
            foreach (var appId in new[] { "notifications", "workflows" })
            {
                if (platform.Host.Apps.Single(a => a.AppId == appId).State == AppState.Stopped) { await platform.StartAppAsync(appId); }
            }
        }
    }

    /// <summary>The instance as the workflows app's sidecar reports it (Dapr's HTTP workflow API), readable while the app is down.</summary>
    private async Task<JsonElement> GetEngineStatusAsync(string instanceId)
    {
        using var sidecar = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:3508"), Timeout = TimeSpan.FromSeconds(30) };
        var response = await sidecar.GetAsync($"/v1.0/workflows/dapr/{instanceId}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<JsonElement> WaitForEngineStepAsync(string instanceId, string step) =>
        Eventually.UntilAsync(
            $"the saga to reach {step}",
            _ => GetEngineStatusAsync(instanceId),
            engine => engine.TryGetProperty("properties", out var properties)
                && properties.TryGetProperty("dapr.workflow.custom_status", out var custom)
                && custom.GetString() is { } text && text.Contains($"\"step\":\"{step}\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60),
            engine => engine.ToString(),
            interval: TimeSpan.FromMilliseconds(100));

    [Fact]
    public async Task Bad_sign_up_is_a_problem_through_the_gateway_and_starts_nothing()
    {
        var response = await platform.Gateway.PostAsJsonAsync("/api/onboarding", new { email = Email(), password = "short", displayName = "Weak" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).FieldErrors().Should().Equal("password");

        var unknown = await platform.Gateway.GetAsync($"/api/onboarding/{Guid.NewGuid():N}");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await unknown.ReadProblemAsync();
    }

    private static string Email() => $"onboard.{Guid.NewGuid():N}@example.com";

    private async Task<(string InstanceId, string StatusUrl)> StartAsync(string email)
    {
        // Sign-up is public: no bearer token.
        var response = await platform.Gateway.PostAsJsonAsync("/api/onboarding", new { email, password = Password, displayName = "Grace Hopper", role = "tutor" });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var statusUrl = body.GetProperty("statusUrl").GetString()!;
        response.Headers.Location!.ToString().Should().Be(statusUrl);
        return (body.GetProperty("instanceId").GetString()!, statusUrl);
    }

    private Task<JsonElement> WaitForEndAsync(string statusUrl) =>
        Eventually.UntilAsync(
            "the onboarding to end",
            async _ =>
            {
                var response = await platform.Gateway.GetAsync(statusUrl);
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            },
            status => status.GetProperty("status").GetString() is "COMPLETED" or "FAILED" or "TERMINATED",
            TimeSpan.FromSeconds(120),
            status => status.ToString(),
            interval: TimeSpan.FromMilliseconds(250));

    private async Task<string> LogInAsync(string email)
    {
        var login = await platform.Gateway.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        login.StatusCode.Should().Be(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private async Task<IReadOnlyList<JsonElement>> WaitForWelcomesAsync(string accessToken)
    {
        var items = await Eventually.UntilAsync(
            "the welcome notification",
            async _ =>
            {
                var list = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/notifications", accessToken);
                list.StatusCode.Should().Be(HttpStatusCode.OK, await list.Content.ReadAsStringAsync());
                return (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
            },
            found => found.Count > 0,
            TimeSpan.FromSeconds(60),
            _ => "no notification listed",
            interval: TimeSpan.FromMilliseconds(250));
        return items;
    }

    private async Task<long> CountAsync(string appId, string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(platform.Host.GetAppConnectionString(appId));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(parameter is Guid ? "id" : "email", parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
