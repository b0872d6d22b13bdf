using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

public sealed record CreateOnboardedUserRequest(Guid? CredentialRef, string? IdempotencyKey);

/// <summary>
/// POST /internal/users: redeems an onboarding credential into an account (and <c>user.registered</c> through the outbox,
/// as registration does). Dapr delivers activities at least once, so a replay with the same idempotency key answers
/// 200 with the account the first call created instead of failing or creating another.
/// </summary>
public static class CreateOnboardedUser
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder steps) => steps.MapPost("/users", HandleAsync);


    public static async Task<Results<Created<RegisteredUserResponse>, Ok<RegisteredUserResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, GoneProblem>> HandleAsync(
        CreateOnboardedUserRequest request,
        IdentityDbContext db,
        Outbox<IdentityDbContext> outbox,
        ConfiguredAdmins admins,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request.CredentialRef is null || request.CredentialRef == Guid.Empty)
        {
            errors.Add("credentialRef", "credentialRef is required.");
        }

        var key = request.IdempotencyKey?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            errors.Add("idempotencyKey", "idempotencyKey is required.");
        }
        else if (key.Length > OnboardingCredential.MaxIdempotencyKeyLength)
        {
            errors.Add("idempotencyKey", $"idempotencyKey must be at most {OnboardingCredential.MaxIdempotencyKeyLength} characters.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await ReplayAsync(db, key!, ct) is { } replayed)
        {
            return replayed;
        }

        var credential = await db.OnboardingCredentials.SingleOrDefaultAsync(c => c.Id == request.CredentialRef, ct);
        var now = timeProvider.GetUtcNow();
        if (credential is null)
        {
            return Problems.NotFound($"Onboarding credential {request.CredentialRef} does not exist.");
        }

        if (credential.IsRedeemed)
        {
            return Problems.Conflict("This onboarding credential was already used with another idempotency key.");
        }

        if (credential.IsExpiredAt(now))
        {
            return Problems.Gone("This onboarding credential has expired; sign up again.");
        }

        var user = credential.Redeem(key!, now);
        // A listed address is an admin from the start, as at self-registration; user.registered says so.
        if (admins.Lists(user.NormalizedEmail))
        {
            user.ChangeRole(PlatformRoles.Admin, now);
        }

        db.Users.Add(user);
        outbox.Enqueue(UserRegistered.Topic, new UserRegistered(user.Id, user.Email, user.DisplayName, user.Role, now, UserRegistered.OnboardingOrigin));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e)
        {
            // A concurrent call with the same key won the race: answer with its account.
            db.ChangeTracker.Clear();
            if (await ReplayAsync(db, key!, ct) is { } winner)
            {
                return winner;
            }

            if (Register.IsDuplicateEmail(e))
            {
                return Register.DuplicateEmail();
            }

            throw;
        }

        return TypedResults.Created($"/api/users/{user.Id}", new RegisteredUserResponse(user.Id, user.Email, user.DisplayName, user.Role));
    }

    private static async Task<Results<Created<RegisteredUserResponse>, Ok<RegisteredUserResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, GoneProblem>?> ReplayAsync(IdentityDbContext db, string key, CancellationToken ct)
    {
        var earlier = await db.OnboardingCredentials.AsNoTracking().SingleOrDefaultAsync(c => c.RedeemedWithKey == key, ct);
        if (earlier?.UserId is not { } userId)
        {
            return null;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        return user is null
            ? Problems.Gone($"The account created with this idempotency key ({userId}) has since been deleted.")
            : TypedResults.Ok(new RegisteredUserResponse(user.Id, user.Email, user.DisplayName, user.Role));
    }
}
