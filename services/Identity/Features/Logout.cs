using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Identity.Features;

public sealed record LogoutRequest(string? RefreshToken);

public static class Logout
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/logout", HandleAsync)
            .RequireAuthorization()
            .WithName("Logout");

    public static async Task<Results<NoContent, ValidationProblem, ForbiddenProblem>> HandleAsync(
        LogoutRequest request,
        ClaimsPrincipal caller,
        IdentityDbContext db,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
        {
            var errors = new ValidationErrors();
            errors.Add("refreshToken", "Refresh token is required.");
            return errors.ToProblem();
        }

        // Logging out with a token we never issued (or already cleaned up) leaves nothing to revoke: still done.
        if (!RefreshTokenSecret.IsWellFormed(request.RefreshToken))
        {
            return TypedResults.NoContent();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var found = await RefreshTokens.FindAndLockAsync(db, request.RefreshToken, ct);
        if (found is not var (family, _))
        {
            return TypedResults.NoContent();
        }

        if (family.UserId != caller.GetUserId())
        {
            return Problems.Forbidden("This refresh token belongs to another user.");
        }

        family.Revoke(RevocationCause.Logout, timeProvider.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
