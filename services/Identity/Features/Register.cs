using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Sidecar.Messaging;
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
        var errors = new ValidationErrors();
        if (!EmailAddress.TryCreate(request.Email, out var email, out var emailError))
        {
            errors.Add("email", emailError!);
        }

        foreach (var problem in PasswordPolicy.Check(request.Password, request.Email))
        {
            errors.Add("password", problem);
        }

        if (!DisplayName.TryNormalize(request.DisplayName, out var displayName, out var nameError))
        {
            errors.Add("displayName", nameError!);
        }

        if (!RegistrationRole.TryResolve(request.Role, out var role, out var roleError))
        {
            errors.Add("role", roleError!);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // Cheap early answer for the common case (and no expensive hash); the unique index below settles races.
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == email!.Normalized, ct))
        {
            return DuplicateEmail();
        }

        var now = timeProvider.GetUtcNow();
        var user = User.Register(email!, displayName, role, hasher.Hash(request.Password!), now);
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

    private static IResult DuplicateEmail() => Problems.Conflict("An account with this email already exists.");

    // The database decides uniqueness (also under concurrent registrations); a pre-check would only narrow the race.
    private static bool IsDuplicateEmail(DbUpdateException e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
        && pg.ConstraintName == IdentityDbContext.UniqueEmailIndex;
}
