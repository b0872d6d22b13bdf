using DaprPlatform.Web.Features.Account;

namespace DaprPlatform.Web.Tests.Account;

public sealed class OnboardingStepsTests
{
    private static IReadOnlyList<string> States(string status, string? step, string? failedStep = null) =>
        OnboardingSteps.For(new OnboardingStatus("i", status, step, null, null, null, failedStep)).Select(s => s.State).ToList();

    [Fact]
    public void A_running_saga_shows_done_running_and_waiting_steps() =>
        States("RUNNING", "SetDefaultNotificationPreferences").Should().Equal("done", "done", "running", "waiting");

    [Fact]
    public void A_completed_saga_shows_every_step_done() =>
        States("COMPLETED", "Completed").Should().Equal("done", "done", "done", "done");

    [Fact]
    public void A_compensating_saga_marks_the_failure_and_what_it_undoes()
    {
        // The preferences step failed; the workspace is being deprovisioned, the account still exists.
        States("RUNNING", "DeprovisionAnalyticsWorkspace", "SetDefaultNotificationPreferences").Should().Equal("done", "running", "failed", "stopped");
        States("RUNNING", "DeleteAccount", "SetDefaultNotificationPreferences").Should().Equal("running", "undone", "failed", "stopped");
        States("FAILED", "Compensated", "SetDefaultNotificationPreferences").Should().Equal("undone", "undone", "failed", "stopped");
        // Nothing to undo when the first step failed.
        States("FAILED", "CreateAccount", "CreateAccount").Should().Equal("failed", "stopped", "stopped", "stopped");
    }
}
