using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

public sealed record UpdateUserRequest(string? DisplayName);

public static class UpdateUser
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPatch("/{id:guid}", HandleAsync)
            .RequireAuthorization()
            .WithName("UpdateUser");

    public static async Task<Results<Ok<UserResponse>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> HandleAsync(
        Guid id,
        UpdateUserRequest request,
        ClaimsPrincipal caller,
        IdentityDbContext db,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        // Authorisation before existence: a non-admin learns nothing about which ids exist.
        if (caller.GetUserId() != id && !caller.IsAdmin())
        {
            return Problems.Forbidden("You may only change your own profile.");
        }

        string? displayName = null;
        if (request.DisplayName is not null && !DisplayName.TryNormalize(request.DisplayName, out displayName, out var nameError))
        {
            var errors = new ValidationErrors();
            errors.Add("displayName", nameError!);
            return errors.ToProblem();
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return Problems.NotFound($"User {id} does not exist.");
        }

        if (displayName is not null && displayName != user.DisplayName)
        {
            user.Rename(displayName, timeProvider.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.Ok(UserResponse.From(user));
    }
}
