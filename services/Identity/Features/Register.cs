using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Identity.Features;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, string? Role);

public sealed record RegisteredUserResponse(Guid Id, string Email, string DisplayName, string Role);

public static class Register
{
    public static RouteHandlerBuilder MapRegister(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/auth/register", HandleAsync)
            .AllowAnonymous()
            .WithName("Register")
            .Produces<RegisteredUserResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

    public static async Task<IResult> HandleAsync(
        RegisterRequest request,
        IdentityDbContext db,
        Outbox<IdentityDbContext> outbox,
        Pbkdf2PasswordHasher hasher,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        var (form, problem) = await CheckNewAccountAsync(request.Email, request.Password, request.DisplayName, request.Role, db, ct);
        if (form is null)
        {
            return problem!;
        }

        var now = timeProvider.GetUtcNow();
        var user = User.Register(form.Email, form.DisplayName, form.Role, hasher.Hash(request.Password!), now);
        db.Users.Add(user);
        // Same SaveChanges as the user row: the event exists exactly when the account does.
        outbox.Enqueue(UserRegistered.Topic, new UserRegistered(user.Id, user.Email, user.DisplayName, user.Role, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (IsDuplicateEmail(e))
        {
            return DuplicateEmail();
        }

        return TypedResults.Created($"/api/users/{user.Id}", new RegisteredUserResponse(user.Id, user.Email, user.DisplayName, user.Role));
    }

    /// <summary>
    /// The registration rules plus "no account has this email yet": the validated form, or the problem to answer.
    /// Shared by self-registration and the onboarding saga's credential exchange, so both accept exactly the same accounts.
    /// </summary>
    internal static async Task<(RegistrationForm? Form, IResult? Problem)> CheckNewAccountAsync(
        string? email, string? password, string? displayName, string? role, IdentityDbContext db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (RegistrationForm.Validate(email, password, displayName, role, errors) is not { } form)
        {
            return (null, errors.ToProblem());
        }

        // Cheap early answer for the common case (and no expensive hash); the unique index settles races.
        return await db.Users.AnyAsync(u => u.NormalizedEmail == form.Email.Normalized, ct) ? (null, DuplicateEmail()) : (form, null);
    }

    /// <summary>409 naming the email field, so a form can show the message next to it.</summary>
    internal static IResult DuplicateEmail() =>
        TypedResults.Problem(
            "An account with this email already exists.",
            statusCode: StatusCodes.Status409Conflict,
            title: "The request conflicts with the current state.",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = new Dictionary<string, string[]> { ["email"] = ["An account with this email already exists."] },
            });

    // The database decides uniqueness (also under concurrent registrations); a pre-check would only narrow the race.
    internal static bool IsDuplicateEmail(DbUpdateException e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
        && pg.ConstraintName == IdentityDbContext.UniqueEmailIndex;
}
