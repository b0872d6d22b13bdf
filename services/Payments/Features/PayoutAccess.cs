using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Features;

/// <summary>Who may use the payout routes.</summary>
public static class PayoutAccess
{
    public static ForbiddenProblem TutorsOnly() => Problems.Forbidden("Only tutors are paid out.");
}
