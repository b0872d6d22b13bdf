using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

public sealed record IssueOnboardingCredentialRequest(string? Email, string? Password, string? DisplayName, string? Role);

public sealed record OnboardingCredentialResponse(Guid CredentialRef, DateTimeOffset ExpiresAt);

/// <summary>
/// POST /internal/onboarding/credentials: validates a sign-up exactly as registration does and parks it, password hashed,
/// under a one-time reference — the onboarding workflow carries the reference, never the password.
/// </summary>
public static class IssueOnboardingCredential
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder steps) => steps.MapPost("/onboarding/credentials", HandleAsync);


    public static async Task<Results<Created<OnboardingCredentialResponse>, ValidationProblem, ConflictProblem>> HandleAsync(
        IssueOnboardingCredentialRequest request,
        IdentityDbContext db,
        Pbkdf2PasswordHasher hasher,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (RegistrationForm.Validate(request.Email, request.Password, request.DisplayName, request.Role, errors) is not { } form)
        {
            return errors.ToProblem();
        }

        if (await Register.AccountWithEmailAsync(form, db, ct) is not null)
        {
            return Register.DuplicateEmail();
        }

        var now = timeProvider.GetUtcNow();
        // Abandoned sign-ups still hold a password hash; they go as soon as they can no longer be redeemed.
        await db.OnboardingCredentials.Where(c => c.RedeemedAt == null && c.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        var credential = OnboardingCredential.Issue(form, hasher.Hash(request.Password!), now);
        db.OnboardingCredentials.Add(credential);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created((string?)null, new OnboardingCredentialResponse(credential.Id, credential.ExpiresAt));
    }
}
