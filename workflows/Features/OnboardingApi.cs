using Microsoft.AspNetCore.Http.HttpResults;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapr.Workflow;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Workflows.Onboarding;
using DaprPlatform.Workflows.ServiceSteps;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Workflows.Features;

public sealed record StartOnboardingRequest(string? Email, string? Password, string? DisplayName, string? Role, string? TelegramChatId);

public sealed record OnboardingStartedResponse(string InstanceId, string StatusUrl);

/// <param name="Status">The instance's runtime status as Dapr spells it (RUNNING, COMPLETED, FAILED, …).</param>
/// <param name="Step">The step running now, or the last one (Completed / Compensated at the end).</param>
/// <param name="Error">Why the onboarding failed (and what was rolled back), when it did.</param>
/// <param name="FailedStep">The forward step that failed, once one has (while its predecessors are undone, and after).</param>
public sealed record OnboardingStatusResponse(string InstanceId, string Status, string? Step, string? Error, Guid? UserId, string? Outcome, string? FailedStep = null);

/// <summary>
/// The public sign-up: <c>POST /api/onboarding</c> checks the request's shape, has identity validate it fully and exchange the
/// password for a one-time credential reference, then starts <see cref="UserOnboardingWorkflow"/> with the reference only
/// (the password never enters workflow history). <c>GET /api/onboarding/{instanceId}</c> reports progress.
/// </summary>
public static partial class OnboardingApi
{
    public const string WorkflowName = nameof(UserOnboardingWorkflow);

    // Loose shape limits only; identity applies the real registration rules and answers with its own field errors.
    private const int MaxEmailLength = 254;
    private const int MaxPasswordLength = 128;
    private const int MaxDisplayNameLength = 100;
    private const int MaxRoleLength = 32;

    public static IEndpointRouteBuilder MapOnboardingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/onboarding").AllowAnonymous().WithTags("Onboarding");
        // Identity's own 400/409 problem is relayed as it came (a ContentHttpResult, which documents nothing by itself).
        api.MapPost("", StartAsync).WithName("StartOnboarding").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/{instanceId}", GetStatusAsync).WithName("GetOnboardingStatus");
        return app;
    }

    public static async Task<Results<Accepted<OnboardingStartedResponse>, ValidationProblem, ContentHttpResult, UnavailableProblem>> StartAsync(
        StartOnboardingRequest request, AppInvocationClients invocation, DaprWorkflowClient workflows, IOptions<OnboardingOptions> options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(options);
        var errors = ValidateShape(request);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        Guid credentialRef;
        try
        {
            // Service invocation through this app's sidecar, bounded like a saga step's call.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ServiceStepCall.CallTimeout);
            using var answer = await invocation.For("identity").PostAsJsonAsync("internal/onboarding/credentials",
                new { email = request.Email, password = request.Password, displayName = request.DisplayName, role = request.Role }, JsonSerializerOptions.Web, timeout.Token);
            var body = await answer.Content.ReadAsStringAsync(timeout.Token);
            if ((int)answer.StatusCode is StatusCodes.Status400BadRequest or StatusCodes.Status409Conflict)
            {
                // Identity's own problem (field errors included) is the answer the client needs.
                return TypedResults.Content(body, "application/problem+json", statusCode: (int)answer.StatusCode);
            }

            if (!answer.IsSuccessStatusCode || !TryReadCredentialRef(body, out credentialRef))
            {
                return WorkflowInstanceView.Unavailable($"Identity could not take the sign-up (status {(int)answer.StatusCode}); try again shortly.");
            }
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return WorkflowInstanceView.Unavailable("Identity could not be reached; try again shortly.");
        }

        var instanceId = Guid.NewGuid().ToString("N");
        var input = new UserOnboardingInput(request.Email!.Trim(), request.DisplayName!.Trim(), request.Role, Normalize(request.TelegramChatId), credentialRef,
            (int)Math.Ceiling(options.Value.StepDeadline.TotalSeconds));
        try
        {
            await workflows.ScheduleNewWorkflowAsync(WorkflowName, instanceId, input, startTime: null, ct);
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e))
        {
            return WorkflowInstanceView.Unavailable("The onboarding workflow could not be started; try again shortly.");
        }

        var statusUrl = $"/api/onboarding/{instanceId}";
        return TypedResults.Accepted(statusUrl, new OnboardingStartedResponse(instanceId, statusUrl));
    }

    public static async Task<Results<Ok<OnboardingStatusResponse>, NotFoundProblem, UnavailableProblem>> GetStatusAsync(string instanceId, DaprWorkflowClient workflows, CancellationToken ct)
    {
        if (!WorkflowInstanceView.IsInstanceId(instanceId))
        {
            return NotFound(instanceId);
        }

        WorkflowState? state;
        try
        {
            state = await WorkflowInstanceView.GetAsync(workflows, instanceId, ct);
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e))
        {
            return WorkflowInstanceView.Unavailable("The onboarding status could not be read; try again shortly.");
        }

        if (state is null || !string.Equals(state.WorkflowName, WorkflowName, StringComparison.Ordinal))
        {
            return NotFound(instanceId);
        }

        return TypedResults.Ok(Describe(instanceId, state));
    }

    /// <summary>The public view of an instance: runtime status, current step and, when it ended, the account or the reason.</summary>
    public static OnboardingStatusResponse Describe(string instanceId, WorkflowState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var progress = WorkflowInstanceView.ReadOrDefault(state.ReadCustomStatusAs<OnboardingProgress>);
        var output = state.RuntimeStatus == WorkflowRuntimeStatus.Completed ? WorkflowInstanceView.ReadOrDefault(state.ReadOutputAs<UserOnboardingOutput>) : null;
        var error = state.RuntimeStatus == WorkflowRuntimeStatus.Failed ? state.FailureDetails?.ErrorMessage ?? "The onboarding failed." : null;
        return new OnboardingStatusResponse(
            instanceId,
            WorkflowInstanceView.StatusName(state.RuntimeStatus),
            progress?.Step,
            error,
            output?.UserId ?? progress?.UserId,
            output?.Outcome,
            progress?.FailedStep);
    }

    private static ValidationErrors ValidateShape(StartOnboardingRequest request)
    {
        var errors = new ValidationErrors();
        Require(errors, "email", request.Email, MaxEmailLength);
        Require(errors, "password", request.Password, MaxPasswordLength, trim: false);
        Require(errors, "displayName", request.DisplayName, MaxDisplayNameLength);
        if (request.Role is { Length: > MaxRoleLength })
        {
            errors.Add("role", $"role must be at most {MaxRoleLength} characters.");
        }

        if (Normalize(request.TelegramChatId) is { } chatId && !TelegramChatId().IsMatch(chatId))
        {
            errors.Add("telegramChatId", "telegramChatId must be a numeric Telegram chat id or an @username.");
        }

        return errors;
    }

    private static void Require(ValidationErrors errors, string field, string? value, int maxLength, bool trim = true)
    {
        var candidate = trim ? value?.Trim() : value;
        if (string.IsNullOrEmpty(candidate))
        {
            errors.Add(field, $"{field} is required.");
        }
        else if (candidate.Length > maxLength)
        {
            errors.Add(field, $"{field} must be at most {maxLength} characters.");
        }
    }

    private static string? Normalize(string? chatId) => string.IsNullOrWhiteSpace(chatId) ? null : chatId.Trim();

    private static bool TryReadCredentialRef(string body, out Guid credentialRef)
    {
        credentialRef = Guid.Empty;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("credentialRef", out var value)
                && value.TryGetGuid(out credentialRef);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static NotFoundProblem NotFound(string instanceId) => Problems.NotFound($"No onboarding with id '{instanceId}'.");

    // Same rule as notifications' preferences: an integer chat id (negative for groups) or a public @username.
    [GeneratedRegex(@"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$", RegexOptions.CultureInvariant)]
    private static partial Regex TelegramChatId();
}
