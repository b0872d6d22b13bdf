using System.Security.Claims;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

public static class Me
{
    public static RouteHandlerBuilder MapMe(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/auth/me", HandleAsync)
            .RequireAuthorization()
            .WithName("GetCurrentUser")
            .Produces<UserResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<IResult> HandleAsync(ClaimsPrincipal caller, IdentityDbContext db, CancellationToken ct)
    {
        var userId = caller.GetUserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        return user is null
            ? Problems.NotFound("The account this token was issued for no longer exists.")
            : TypedResults.Ok(UserResponse.From(user));
    }
}
