using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Identity.Features;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record TokenPairResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

public static class Login
{
    public const string FailureDetail = "The email or password is incorrect.";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/login", HandleAsync)
            .AllowAnonymous()
            .WithName("Login");

    public static async Task<Results<Ok<TokenPairResponse>, ValidationProblem, UnauthorizedProblem>> HandleAsync(
        LoginRequest request,
        IdentityDbContext db,
        Pbkdf2PasswordHasher hasher,
        Outbox<IdentityDbContext> outbox,
        ConfiguredAdmins admins,
        AccessTokenIssuer accessTokens,
        IOptions<TokenLifetimeOptions> lifetimes,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            errors.Add("email", "Email is required.");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("password", "Password is required.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var normalized = EmailAddress.Normalize(request.Email!);
        var user = normalized.Length <= EmailAddress.MaxLength
            ? await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct)
            : null;

        // Unknown email and wrong password cost the same hashing work and give the same answer.
        var valid = user is null ? hasher.VerifyAgainstDecoy(request.Password!) : hasher.Verify(request.Password!, user.PasswordHash);
        if (!valid || user is null)
        {
            return Problems.Unauthorized(FailureDetail);
        }

        var now = timeProvider.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await admins.PromoteIfListedAsync(user, db, outbox, now, ct);
        if (Pbkdf2PasswordHasher.NeedsRehash(user.PasswordHash))
        {
            // The only moment we hold the plain password: upgrade hashes made with an older iteration count.
            user.ReplacePasswordHash(hasher.Hash(request.Password!), now);
        }

        var (refreshToken, refreshHash) = RefreshTokenSecret.Generate();
        var (family, first) = RefreshTokenFamily.Start(user.Id, refreshHash, now, lifetimes.Value.RefreshTokenLifetime);
        db.RefreshTokenFamilies.Add(family);
        db.RefreshTokens.Add(first);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        return TypedResults.Ok(TokenPair.Create(accessTokens.Issue(user), refreshToken));
    }
}

internal static class TokenPair
{
    public static TokenPairResponse Create(IssuedAccessToken access, string refreshToken) =>
        new(access.Token, refreshToken, (int)access.Lifetime.TotalSeconds);
}
