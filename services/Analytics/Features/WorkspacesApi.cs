using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Analytics.Features;

public sealed record WorkspaceResponse(Guid UserId, string Plan, DateTimeOffset CreatedAt)
{
    public static WorkspaceResponse From(Workspace w) => new(w.UserId, w.Plan, w.CreatedAt);
}

/// <summary>Configuration section "Workspaces".</summary>
public sealed class WorkspaceOptions
{
    public const string SectionName = "Workspaces";

    /// <summary>Failure injection for the onboarding saga's compensation path: provisioning answers 503 while true.</summary>
    public bool RefuseProvisioning { get; set; }
}

/// <summary>
/// Invocation-only workspace provisioning for the onboarding saga. Outside <c>/api</c>, so the gateway never routes it, and
/// only the saga's app (<see cref="Caller"/>, by the sidecar-stamped <c>dapr-caller-app-id</c>) is served; any other caller gets
/// a 403 problem. Both calls are idempotent per user id.
/// </summary>
public static class WorkspacesApi
{
    /// <summary>The onboarding saga's activities (workflows/Onboarding/OnboardingActivities.cs) are the only callers.</summary>
    public const string Caller = "workflows";

    public static IEndpointRouteBuilder MapWorkspacesApi(this IEndpointRouteBuilder app)
    {
        var steps = app.MapGroup("/internal/workspaces").RequireSidecarCaller(Caller);
        steps.MapPut("/{userId:guid}", ProvisionAsync);
        steps.MapDelete("/{userId:guid}", DeprovisionAsync);
        return app;
    }

    /// <summary>PUT: 201 when created, 200 when the workspace already existed (a redelivered activity).</summary>
    public static async Task<Results<Created<WorkspaceResponse>, Ok<WorkspaceResponse>, ValidationProblem, UnavailableProblem>> ProvisionAsync(Guid userId, AnalyticsDbContext db, IOptionsSnapshot<WorkspaceOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (userId == Guid.Empty)
        {
            var errors = new ValidationErrors();
            errors.Add("userId", "userId must not be the empty GUID.");
            return errors.ToProblem();
        }

        if (options.Value.RefuseProvisioning)
        {
            return Problems.Unavailable("Workspace provisioning is switched off (Workspaces:RefuseProvisioning).");
        }

        if (await db.Workspaces.AsNoTracking().SingleOrDefaultAsync(w => w.UserId == userId, ct) is { } existing)
        {
            return TypedResults.Ok(WorkspaceResponse.From(existing));
        }

        var workspace = Workspace.ProvisionFree(userId, time.GetUtcNow());
        db.Workspaces.Add(workspace);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // A concurrent delivery of the same step inserted it first.
            db.ChangeTracker.Clear();
            var winner = await db.Workspaces.AsNoTracking().SingleAsync(w => w.UserId == userId, ct);
            return TypedResults.Ok(WorkspaceResponse.From(winner));
        }

        return TypedResults.Created($"/internal/workspaces/{userId}", WorkspaceResponse.From(workspace));
    }

    /// <summary>DELETE: 204 whether or not the workspace existed (compensations are redelivered too).</summary>
    public static async Task<NoContent> DeprovisionAsync(Guid userId, AnalyticsDbContext db, CancellationToken ct)
    {
        await db.Workspaces.Where(w => w.UserId == userId).ExecuteDeleteAsync(ct);
        return TypedResults.NoContent();
    }
}
