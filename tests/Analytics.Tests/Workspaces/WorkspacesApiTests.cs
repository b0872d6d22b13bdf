using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Analytics.Tests.Api;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Tests.Workspaces;

/// <summary>The onboarding saga's analytics step: idempotent provision/deprovision, invocation-only, failure injection by configuration.</summary>
public sealed class WorkspacesApiTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new("analytics_ws");
    private AnalyticsFactory _factory = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        // No sidecar is needed for these routes.
        _factory = new AnalyticsFactory(_database.ConnectionString, sidecar: null);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Provision_creates_a_free_workspace_once_and_a_redelivery_returns_it()
    {
        var userId = Guid.NewGuid();
        using var client = SidecarCaller(_factory);

        using var first = await client.PutAsync($"/internal/workspaces/{userId}", null);
        using var again = await client.PutAsync($"/internal/workspaces/{userId}", null);

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        again.StatusCode.Should().Be(HttpStatusCode.OK, "activities are delivered at least once (Dapr workflow rule), so provisioning is idempotent");
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("plan").GetString().Should().Be("free");
        body.GetProperty("userId").GetGuid().Should().Be(userId);
        (await CountAsync(userId)).Should().Be(1);
    }

    [Fact]
    public async Task Deprovision_removes_the_workspace_and_is_a_no_op_the_second_time()
    {
        var userId = Guid.NewGuid();
        using var client = SidecarCaller(_factory);
        using var provisioned = await client.PutAsync($"/internal/workspaces/{userId}", null);

        using var first = await client.DeleteAsync($"/internal/workspaces/{userId}");
        using var again = await client.DeleteAsync($"/internal/workspaces/{userId}");

        first.StatusCode.Should().Be(HttpStatusCode.NoContent);
        again.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await CountAsync(userId)).Should().Be(0);
    }

    [Fact]
    public async Task RefuseProvisioning_in_configuration_answers_503_problem_and_creates_nothing()
    {
        await using var refusing = _factory.WithWebHostBuilder(b => b.UseSetting("Workspaces:RefuseProvisioning", "true"));
        using var client = SidecarCaller(refusing);
        var userId = Guid.NewGuid();

        using var response = await client.PutAsync($"/internal/workspaces/{userId}", null);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        await response.ReadProblemAsync();
        (await CountAsync(userId)).Should().Be(0);
    }

    [Theory]
    [InlineData("PUT", "/internal/workspaces/not-a-guid", true, HttpStatusCode.NotFound)]
    [InlineData("PUT", "/internal/workspaces/00000000-0000-0000-0000-000000000000", true, HttpStatusCode.BadRequest)]
    [InlineData("PUT", "/internal/workspaces/6f9619ff-8b86-d011-b42d-00c04fc964ff", false, HttpStatusCode.Forbidden)]
    [InlineData("DELETE", "/internal/workspaces/6f9619ff-8b86-d011-b42d-00c04fc964ff", false, HttpStatusCode.Forbidden)]
    public async Task Bad_input_and_calls_not_through_a_sidecar_are_problems(string method, string path, bool viaSidecar, HttpStatusCode expected)
    {
        using var client = viaSidecar ? SidecarCaller(_factory) : _factory.CreateClient();
        var before = await _database.CountAsync("workspaces");

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        response.StatusCode.Should().Be(expected);
        await response.ReadProblemAsync();
        (await _database.CountAsync("workspaces")).Should().Be(before);
    }

    [Theory]
    [InlineData("booking")]
    [InlineData("gateway")]
    [InlineData("Workflows")]
    public async Task A_call_from_an_app_other_than_the_onboarding_saga_is_403_and_changes_nothing(string callerAppId)
    {
        var (existing, absent) = (Guid.NewGuid(), Guid.NewGuid());
        using (var saga = SidecarCaller(_factory))
        {
            (await saga.PutAsync($"/internal/workspaces/{existing}", null)).StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using var other = SidecarCaller(_factory, callerAppId);
        using var provision = await other.PutAsync($"/internal/workspaces/{absent}", null);
        using var deprovision = await other.DeleteAsync($"/internal/workspaces/{existing}");

        provision.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        deprovision.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await provision.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("workflows");
        await deprovision.ReadProblemAsync();
        (await CountAsync(absent)).Should().Be(0);
        (await CountAsync(existing)).Should().Be(1);
    }

    private Task<int> CountAsync(Guid userId) => _factory.WithDbAsync(db => db.Workspaces.CountAsync(w => w.UserId == userId));

    /// <summary>daprd stamps the caller's app id on every invocation it forwards; the onboarding saga runs in "workflows".</summary>
    private static HttpClient SidecarCaller(WebApplicationFactory<Program> factory, string callerAppId = "workflows")
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("dapr-caller-app-id", callerAppId);
        return client;
    }
}
