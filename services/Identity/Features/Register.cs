using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, string? Role);

public sealed record RegisteredUserResponse(Guid Id, string Email, string DisplayName, string Role);

public static class Register
{
    /// <summary>
    /// How long after an account was created the same registration (same email, password, name and role) is answered as
    /// its replay: the sidecar retries a call that timed out (components/resiliency.yaml), and the first attempt may have
    /// created the account before the caller stopped waiting. Past the window the answer is 409, as for anyone else.
    /// </summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(2);

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/register", HandleAsync)
            .AllowAnonymous()
            .WithName("Register");

    public static async Task<Results<Created<RegisteredUserResponse>, ValidationProblem, ConflictProblem>> HandleAsync(
        RegisterRequest request,
        IdentityDbContext db,
        Outbox<IdentityDbContext> outbox,
        Pbkdf2PasswordHasher hasher,
        ConfiguredAdmins admins,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (RegistrationForm.Validate(request.Email, request.Password, request.DisplayName, request.Role, errors) is not { } form)
        {
            return errors.ToProblem();
        }

        var now = timeProvider.GetUtcNow();
        var role = admins.RoleAtRegistration(form.Email, form.Role);
        if (await AccountWithEmailAsync(form, db, ct) is { } existing)
        {
            return ReplayOrDuplicate(existing, form, role, request.Password!, hasher, now);
        }

        var user = User.Register(form.Email, form.DisplayName, role, hasher.Hash(request.Password!), now);
        db.Users.Add(user);
        // Same SaveChanges as the user row: the event exists exactly when the account does.
        outbox.Enqueue(UserRegistered.Topic, new UserRegistered(user.Id, user.Email, user.DisplayName, user.Role, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (IsDuplicateEmail(e))
        {
            db.ChangeTracker.Clear();
            return await AccountWithEmailAsync(form, db, ct) is { } winner ? ReplayOrDuplicate(winner, form, role, request.Password!, hasher, now) : DuplicateEmail();
        }

        return Created(user);
    }

    private static Created<RegisteredUserResponse> Created(User user) =>
        TypedResults.Created($"/api/users/{user.Id}", new RegisteredUserResponse(user.Id, user.Email, user.DisplayName, user.Role));

    /// <summary>
    /// The account with this email: answered 201 as before when this request repeats the one that created it moments ago
    /// (<see cref="ReplayWindow"/>; the password must verify), else 409. No new row and no second user.registered either way.
    /// </summary>
    private static Results<Created<RegisteredUserResponse>, ValidationProblem, ConflictProblem> ReplayOrDuplicate(
        User existing, RegistrationForm form, string role, string password, Pbkdf2PasswordHasher hasher, DateTimeOffset now)
    {
        var replay = now - existing.CreatedAt <= ReplayWindow
            && existing.Email == form.Email.Value
            && existing.DisplayName == form.DisplayName
            && existing.Role == role
            && hasher.Verify(password, existing.PasswordHash);
        return replay ? Created(existing) : DuplicateEmail();
    }

    /// <summary>
    /// The account that already has this email, if any: looked up after the registration rules by self-registration and by
    /// the onboarding saga's credential exchange alike, so both accept exactly the same accounts. A cheap early answer for
    /// the common case (and no expensive hash); the unique index settles races.
    /// </summary>
    internal static Task<User?> AccountWithEmailAsync(RegistrationForm form, IdentityDbContext db, CancellationToken ct) =>
        db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == form.Email.Normalized, ct);

    /// <summary>409 naming the email field, so a form can show the message next to it.</summary>
    internal static ConflictProblem DuplicateEmail() =>
        new("An account with this email already exists.", extensions: new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["email"] = ["An account with this email already exists."] },
        });

    // The database decides uniqueness (also under concurrent registrations); a pre-check would only narrow the race.
    internal static bool IsDuplicateEmail(DbUpdateException e) => e.IsUniqueViolation(IdentityDbContext.UniqueEmailIndex);
}
