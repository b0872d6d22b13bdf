namespace DaprPlatform.Analytics.Domain;

/// <summary>A user's analytics workspace: the plan their channel analytics run under. One per user, provisioned at sign-up.</summary>
public sealed class Workspace
{
    public const string FreePlan = "free";
    public const int MaxPlanLength = 32;

    private Workspace()
    {
        Plan = FreePlan;
    }

    public Guid UserId { get; private set; }
    public string Plan { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static Workspace ProvisionFree(Guid userId, DateTimeOffset now)
    {
        if (userId == Guid.Empty)
        {
            throw new ArgumentException("A workspace belongs to a user.", nameof(userId));
        }

        return new Workspace { UserId = userId, Plan = FreePlan, CreatedAt = now };
    }
}
