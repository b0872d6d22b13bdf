using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public static class ChangePassword
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/change-password", HandleAsync)
            .RequireAuthorization()
            .WithName("ChangePassword");

    public static async Task<Results<NoContent, ValidationProblem, ForbiddenProblem, NotFoundProblem>> HandleAsync(
        Guid id,
        ChangePasswordRequest request,
        ClaimsPrincipal caller,
        IdentityDbContext db,
        Pbkdf2PasswordHasher hasher,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        // Only the owner, who can prove the current password; admins reset passwords through a separate flow.
        if (caller.GetUserId() != id)
        {
            return Problems.Forbidden("You may only change your own password.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return Problems.NotFound($"User {id} does not exist.");
        }

        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            errors.Add("currentPassword", "Current password is required.");
        }

        foreach (var problem in PasswordPolicy.Check(request.NewPassword, user.Email))
        {
            errors.Add("newPassword", problem);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // 400 rather than 401: the caller is authenticated; this is a wrong field value.
        if (!hasher.Verify(request.CurrentPassword!, user.PasswordHash))
        {
            errors.Add("currentPassword", "The current password is incorrect.");
            return errors.ToProblem();
        }

        var now = timeProvider.GetUtcNow();
        user.ReplacePasswordHash(hasher.Hash(request.NewPassword!), now);
        // Whoever holds a refresh token may hold it because the old password leaked: end every session.
        var activeFamilies = await db.RefreshTokenFamilies.Where(f => f.UserId == id && f.RevokedAt == null).ToListAsync(ct);
        foreach (var family in activeFamilies)
        {
            family.Revoke(RevocationCause.PasswordChanged, now);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
