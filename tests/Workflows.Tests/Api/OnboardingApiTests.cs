using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Workflows.Tests.Api;

/// <summary>
/// POST/GET /api/onboarding on the workflows app with its DevHost sidecar: shape checks, identity's problems passed through, and
/// sign-ups run by the official SDK's worker through identity, analytics and notifications stand-ins (invocation through the sidecars).
/// </summary>
[Collection(WorkflowsAppCollection.Name)]
public sealed class OnboardingApiTests(WorkflowsApp platform)
{
    private const string Password = "Correct horse 42";
    private const string CredentialsPath = "/internal/onboarding/credentials";

    private Callee Identity => platform.Callees["identity"];

    [Fact]
    public async Task A_sign_up_exchanges_the_password_at_identity_and_the_saga_completes_it_with_the_reference_only()
    {
        var (email, userId) = NewUser();
        using var client = platform.Client();

        using var response = await client.PostAsJsonAsync("/api/onboarding",
            new { email = $" {email} ", password = Password, displayName = "Ann", role = "tutor", telegramChatId = "123456" });

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var instanceId = body.GetProperty("instanceId").GetString()!;
        Guid.TryParseExact(instanceId, "N", out _).Should().BeTrue();
        body.GetProperty("statusUrl").GetString().Should().Be($"/api/onboarding/{instanceId}");
        response.Headers.Location!.ToString().Should().Be($"/api/onboarding/{instanceId}");

        var status = await platform.StatusUntilAsync($"/api/onboarding/{instanceId}", WorkflowsApp.Ended);
        status.GetProperty("status").GetString().Should().Be("COMPLETED", status.ToString());
        status.GetProperty("outcome").GetString().Should().Be("completed");
        status.GetProperty("userId").GetGuid().Should().Be(userId);

        Identity.To("POST", CredentialsPath).Should().ContainSingle(r => r.Body.Contains(email, StringComparison.Ordinal)).Which.Body.Should().Contain(Password);
        var created = Identity.To("POST", "/internal/users").Single(r => r.IdempotencyKey == $"{instanceId}:CreateAccount");
        created.Body.Should().NotContain(Password, "the password never enters workflow input or history").And.Contain(CredentialRef(email).ToString());
        created.CallerAppId.Should().Be("workflows", "the call went through the sidecars, which stamp the caller");
        platform.Callees["analytics"].To("PUT", $"/internal/workspaces/{userId}").Should().ContainSingle().Which.IdempotencyKey.Should().Be($"{instanceId}:ProvisionAnalyticsWorkspace");
        platform.Callees["notifications"].To("POST", "/internal/notifications/welcome").Should().Contain(r => r.IdempotencyKey == $"{instanceId}:SendWelcome");
    }

    [Fact]
    public async Task A_refused_step_rolls_the_sign_up_back_and_the_status_says_why_in_business_terms()
    {
        var (email, userId) = NewUser();
        platform.Callees["analytics"].Routes[$"PUT /internal/workspaces/{userId}"] = _ =>
            Results.Problem("This account cannot have a workspace.", statusCode: StatusCodes.Status422UnprocessableEntity);
        using var client = platform.Client();

        using var response = await client.PostAsJsonAsync("/api/onboarding", new { email, password = Password, displayName = "Ann" });
        var instanceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;

        var status = await platform.StatusUntilAsync($"/api/onboarding/{instanceId}", WorkflowsApp.Ended);
        status.GetProperty("status").GetString().Should().Be("FAILED", status.ToString());
        status.GetProperty("step").GetString().Should().Be("Compensated");
        status.GetProperty("error").GetString().Should().Be(
            "ProvisionAnalyticsWorkspace failed: analytics refused (422): This account cannot have a workspace. The sign-up was rolled back (DeleteAccount).");
        Identity.To("DELETE", $"/internal/users/{userId}").Should().ContainSingle();
        platform.Callees["analytics"].To("PUT", $"/internal/workspaces/{userId}").Should().ContainSingle("a refusal is not retried");
    }

    [Theory]
    [InlineData(400, """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The request is invalid.","status":400,"errors":{"password":["Password must be at least 10 characters."]}}""", "password")]
    [InlineData(409, """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.10","title":"Conflict","status":409,"errors":{"email":["An account with this email already exists."]}}""", "email")]
    public async Task Identity_rejections_are_passed_through_and_no_workflow_starts(int status, string problem, string field)
    {
        var email = $"rejected-{Guid.NewGuid():N}@example.com";
        Identity.Routes["POST " + CredentialsPath] = r => r.Body.Contains(email, StringComparison.Ordinal)
            ? Results.Content(problem, "application/problem+json", statusCode: status)
            : Credentials(r);
        using var client = platform.Client();

        using var response = await client.PostAsJsonAsync("/api/onboarding", new { email, password = "Short1", displayName = "Ann" });

        response.StatusCode.Should().Be((HttpStatusCode)status);
        (await response.ReadProblemAsync()).FieldErrors().Should().Equal(field);
    }

    [Fact]
    public async Task Identity_failing_is_503_and_no_workflow_starts()
    {
        var email = $"down-{Guid.NewGuid():N}@example.com";
        Identity.Routes["POST " + CredentialsPath] = r => r.Body.Contains(email, StringComparison.Ordinal) ? Results.StatusCode(500) : Credentials(r);
        using var client = platform.Client();

        using var response = await client.PostAsJsonAsync("/api/onboarding", new { email, password = Password, displayName = "Ann" });

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        await response.ReadProblemAsync();
    }

    public static TheoryData<string> BadInputCases() => new(BadInput.Keys);

    [Theory]
    [MemberData(nameof(BadInputCases))]
    public async Task Bad_input_is_a_problem_with_field_errors_and_calls_nobody(string name)
    {
        var (content, status, fields) = BadInput[name]();
        var before = Identity.Requests.Count;
        using var client = platform.Client();

        using var response = await client.PostAsync("/api/onboarding", content);

        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        (await response.ReadProblemAsync()).FieldErrors().Should().BeEquivalentTo(fields);
        Identity.Requests.Skip(before).Should().NotContain(r => r.Path == CredentialsPath && r.Body.Contains("bad-input@", StringComparison.Ordinal));
        content.Dispose();
    }

    private static readonly Dictionary<string, Func<(HttpContent, HttpStatusCode, string[])>> BadInput = new()
    {
        ["all fields missing"] = () => (JsonContent.Create(new { }), HttpStatusCode.BadRequest, ["email", "password", "displayName"]),
        ["blank email and display name"] = () => (JsonContent.Create(new { email = "  ", password = Password, displayName = " " }), HttpStatusCode.BadRequest, ["email", "displayName"]),
        ["email over 254 characters"] = () => (JsonContent.Create(new { email = "bad-input@" + new string('a', 250) + ".com", password = Password, displayName = "A" }), HttpStatusCode.BadRequest, ["email"]),
        ["password over 128 characters"] = () => (JsonContent.Create(new { email = "bad-input@b.com", password = new string('p', 129), displayName = "A" }), HttpStatusCode.BadRequest, ["password"]),
        ["display name over 100 characters"] = () => (JsonContent.Create(new { email = "bad-input@b.com", password = Password, displayName = new string('n', 101) }), HttpStatusCode.BadRequest, ["displayName"]),
        ["role over 32 characters"] = () => (JsonContent.Create(new { email = "bad-input@b.com", password = Password, displayName = "A", role = new string('r', 33) }), HttpStatusCode.BadRequest, ["role"]),
        ["telegram chat id not a chat id"] = () => (JsonContent.Create(new { email = "bad-input@b.com", password = Password, displayName = "A", telegramChatId = "my chat" }), HttpStatusCode.BadRequest, ["telegramChatId"]),
        ["wrong JSON types"] = () => (new StringContent("""{"email":5,"password":[],"displayName":{}}""", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, []),
        ["malformed JSON"] = () => (new StringContent("{\"email\":", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, []),
        ["wrong content type"] = () => (new StringContent("email=bad-input@b.com", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, []),
    };

    [Theory]
    [InlineData("unknown1")]
    [InlineData("not%20valid")]
    [InlineData("a-very-long-instance-id-that-is-longer-than-sixty-four-characters-in-all")]
    public async Task Unknown_or_invalid_instances_are_404(string instanceId)
    {
        using var client = platform.Client();

        using var response = await client.GetAsync($"/api/onboarding/{instanceId}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task Another_saga_s_instance_is_404_here()
    {
        var bookingId = Guid.NewGuid();
        platform.Callees["booking"].Routes[$"GET /internal/bookings/{bookingId}/refund-quote"] = _ => Results.Problem("No such booking.", statusCode: 404);
        await platform.Workflows.ScheduleNewWorkflowAsync("BookingCancellationWorkflow", $"booking-cancel-{bookingId:N}",
            new { bookingId, requestedBy = "student", requestedAt = DateTimeOffset.UtcNow });
        using var client = platform.Client();

        using var response = await client.GetAsync($"/api/onboarding/booking-cancel-{bookingId:N}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>A new email with identity answering its credential exchange, account creation and deletion.</summary>
    private (string Email, Guid UserId) NewUser()
    {
        var email = $"ann-{Guid.NewGuid():N}@example.com";
        var userId = UserFor(CredentialRef(email));
        Identity.Routes["POST " + CredentialsPath] = Credentials;
        Identity.Routes["POST /internal/users"] = r => Results.Json(new { id = UserFor(JsonDocument.Parse(r.Body).RootElement.GetProperty("credentialRef").GetGuid()) }, statusCode: 201);
        Identity.Routes[$"DELETE /internal/users/{userId}"] = _ => Results.NoContent();
        platform.Callees["analytics"].Routes.TryAdd($"PUT /internal/workspaces/{userId}", _ => Results.Created());
        platform.Callees["analytics"].Routes[$"DELETE /internal/workspaces/{userId}"] = _ => Results.NoContent();
        platform.Callees["notifications"].Routes[$"PUT /internal/preferences/{userId}/defaults"] = _ => Results.Ok();
        platform.Callees["notifications"].Routes["POST /internal/notifications/welcome"] = _ => Results.Accepted();
        return (email, userId);
    }

    /// <summary>The account identity creates for a credential reference: derived from it, as the reference is from the email.</summary>
    private static Guid UserFor(Guid credentialRef) => new(System.Security.Cryptography.MD5.HashData(credentialRef.ToByteArray()));

    /// <summary>The credential reference identity hands out for an email: derived from it, so the test can recognise it later.</summary>
    private static Guid CredentialRef(string email) =>
        new(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(email.Trim())));

    private static IResult Credentials(CalleeRequest request)
    {
        var email = JsonDocument.Parse(request.Body).RootElement.GetProperty("email").GetString()!;
        return Results.Json(new { credentialRef = CredentialRef(email), expiresAt = DateTimeOffset.UtcNow.AddHours(1) }, statusCode: 201);
    }
}
