using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

public static class Me
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapGet("/me", HandleAsync)
            .RequireAuthorization()
            .WithName("GetCurrentUser");

    public static async Task<Results<Ok<UserResponse>, NotFoundProblem>> HandleAsync(ClaimsPrincipal caller, IdentityDbContext db, CancellationToken ct)
    {
        var userId = caller.GetUserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        return user is null
            ? Problems.NotFound("The account this token was issued for no longer exists.")
            : TypedResults.Ok(UserResponse.From(user));
    }
}
