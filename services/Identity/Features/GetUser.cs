using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

/// <summary>The resource register's Location header points at: a profile, readable by its owner or an admin.</summary>
public static class GetUser
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}", HandleAsync)
            .RequireAuthorization()
            .WithName("GetUser");

    public static async Task<Results<Ok<UserResponse>, ForbiddenProblem, NotFoundProblem>> HandleAsync(Guid id, ClaimsPrincipal caller, IdentityDbContext db, CancellationToken ct)
    {
        // Same rule as PATCH: authorisation before existence, so ids cannot be probed.
        if (caller.GetUserId() != id && !caller.IsAdmin())
        {
            return Problems.Forbidden("You may only read your own profile.");
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct);
        return user is null
            ? Problems.NotFound($"User {id} does not exist.")
            : TypedResults.Ok(UserResponse.From(user));
    }
}
