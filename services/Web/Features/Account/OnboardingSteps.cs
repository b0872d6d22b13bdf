using DaprPlatform.Web.Components.Shared;
using static DaprPlatform.Web.Components.Shared.SagaSteps;

namespace DaprPlatform.Web.Features.Account;

/// <summary>The onboarding saga's steps as a person reads them, with each one's state from the saga's custom status.</summary>
public static class OnboardingSteps
{
    /// <summary>Forward steps in order (names as the workflow reports them).</summary>
    private static readonly (string Name, string Title)[] Forward =
    [
        ("CreateAccount", "Create your account"),
        ("ProvisionAnalyticsWorkspace", "Prepare your analytics workspace"),
        ("SetDefaultNotificationPreferences", "Set your notification preferences"),
        ("SendWelcome", "Send your welcome message"),
    ];

    /// <summary>Compensation steps and the forward step each one undoes.</summary>
    private static readonly Dictionary<string, string> Undoes = new(StringComparer.Ordinal)
    {
        ["DeprovisionAnalyticsWorkspace"] = "ProvisionAnalyticsWorkspace",
        ["DeleteAccount"] = "CreateAccount",
    };

    public static IReadOnlyList<SagaSteps.Step> For(OnboardingStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Completed || status.Step == "Completed")
        {
            return Forward.Select(s => new SagaSteps.Step(s.Title, Done)).ToList();
        }

        var failedAt = IndexOf(status.FailedStep);
        if (failedAt < 0 && status.Status is not ("FAILED" or "TERMINATED"))
        {
            var running = IndexOf(status.Step);
            return Forward.Select((f, i) => new SagaSteps.Step(f.Title, i < running ? Done : i == running ? Running : Waiting)).ToList();
        }

        // Failed: the steps before the failure are undone in reverse; while that runs, the one being undone is "running".
        var undoing = status.Step is { } name && Undoes.TryGetValue(name, out var target) ? IndexOf(target) : -1;
        var ended = status.Step == "Compensated" || status.Status is "FAILED" or "TERMINATED";
        return Forward.Select((f, i) => new SagaSteps.Step(f.Title, i switch
        {
            _ when i == failedAt => Failed,
            _ when failedAt >= 0 && i > failedAt => Stopped,
            _ when i == undoing => Running,
            _ when ended || (undoing >= 0 && i > undoing) => failedAt < 0 ? Stopped : Undone,
            _ => Done,
        })).ToList();
    }

    private static int IndexOf(string? name) => name is null ? -1 : Array.FindIndex(Forward, f => f.Name == name);
}
