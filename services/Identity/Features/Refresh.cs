using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Identity.Features;

public sealed record RefreshRequest(string? RefreshToken);

public static class Refresh
{
    public const string FailureDetail = "The refresh token is invalid, expired or revoked. Log in again.";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/refresh", HandleAsync)
            .AllowAnonymous()
            .WithName("RefreshTokens");

    public static async Task<Results<Ok<TokenPairResponse>, ValidationProblem, UnauthorizedProblem>> HandleAsync(
        RefreshRequest request,
        IdentityDbContext db,
        Outbox<IdentityDbContext> outbox,
        ConfiguredAdmins admins,
        AccessTokenIssuer accessTokens,
        IOptions<TokenLifetimeOptions> lifetimes,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
        {
            var errors = new ValidationErrors();
            errors.Add("refreshToken", "Refresh token is required.");
            return errors.ToProblem();
        }

        if (!RefreshTokenSecret.IsWellFormed(request.RefreshToken))
        {
            return Problems.Unauthorized(FailureDetail);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var found = await RefreshTokens.FindAndLockAsync(db, request.RefreshToken, ct);
        if (found is not var (family, presented))
        {
            return Problems.Unauthorized(FailureDetail);
        }

        var now = timeProvider.GetUtcNow();
        var (nextToken, nextHash) = RefreshTokenSecret.Generate();
        var outcome = family.Rotate(presented, nextHash, now, lifetimes.Value.RefreshTokenLifetime);
        if (!outcome.Succeeded)
        {
            // A detected reuse revokes the family; that must be committed even though the caller gets 401.
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return Problems.Unauthorized(FailureDetail);
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == family.UserId, ct);
        if (user is null)
        {
            return Problems.Unauthorized(FailureDetail);
        }

        // The new access token carries the role the row holds now (an appointment since the last one, or the admin list).
        await admins.PromoteIfListedAsync(user, db, outbox, now, ct);
        db.RefreshTokens.Add(outcome.Next!);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(TokenPair.Create(accessTokens.Issue(user), nextToken));
    }
}
