namespace DaprPlatform.Web.Features.Account;

/// <summary>The onboarding saga's public status (<c>GET /api/onboarding/{instanceId}</c> on <c>workflows</c>).</summary>
public sealed record OnboardingStatus(string InstanceId, string Status, string? Step, string? Error, Guid? UserId, string? Outcome, string? FailedStep = null)
{
    public const string AppId = "workflows";

    public bool Completed => Status == "COMPLETED";

    public bool Ended => Status is "COMPLETED" or "FAILED" or "TERMINATED";

    public static string PathFor(string instanceId) => $"api/onboarding/{Uri.EscapeDataString(instanceId)}";
}

/// <summary><c>POST /api/onboarding</c>'s answer.</summary>
public sealed record OnboardingStarted(string InstanceId, string StatusUrl);
