using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

public sealed record ChangeUserRoleRequest(string? Role);

/// <summary>
/// PUT /api/users/{id}/role: an admin appoints an admin or gives an account another role (ADR 0028). It takes effect with
/// the account's next access token (login or refresh reads the role from the row) and publishes <c>user.role-changed</c>.
/// </summary>
public static class ChangeUserRole
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPut("/{id:guid}/role", HandleAsync)
            .RequireAuthorization()
            .WithName("ChangeUserRole");

    public static async Task<Results<Ok<UserResponse>, ValidationProblem, ForbiddenProblem, NotFoundProblem, ConflictProblem>> HandleAsync(
        Guid id,
        ChangeUserRoleRequest request,
        ClaimsPrincipal caller,
        IdentityDbContext db,
        Outbox<IdentityDbContext> outbox,
        ConfiguredAdmins admins,
        TimeProvider timeProvider,
        CancellationToken ct)
    {
        // Authorisation before validation and existence, as for profiles: a non-admin learns nothing about which ids exist.
        if (!caller.IsAdmin())
        {
            return Problems.Forbidden("Only admins may change roles.");
        }

        if (!AssignableRole.TryResolve(request.Role, out var role, out var roleError))
        {
            var errors = new ValidationErrors();
            errors.Add("role", roleError!);
            return errors.ToProblem();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Every admin row locked, in one order: concurrent changes that could leave no admin run one at a time, and a
        // change waiting here sees the admins as the one before it left them.
        var adminIds = await db.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM users WHERE role = {PlatformRoles.Admin} ORDER BY id FOR UPDATE")
            .ToListAsync(ct);
        var callerId = caller.GetUserId();
        if (!adminIds.Contains(callerId))
        {
            // The token still says admin, but the row no longer does: appointing is judged on the row, not a token's minutes.
            return Problems.Forbidden("Only admins may change roles; your account is no longer an admin.");
        }

        var user = await db.Users
            .FromSql($"SELECT * FROM users WHERE id = {id} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (user is null)
        {
            return Problems.NotFound($"User {id} does not exist.");
        }

        if (user.Role == role)
        {
            return TypedResults.Ok(UserResponse.From(user));
        }

        if (user.Role == PlatformRoles.Admin)
        {
            if (admins.Lists(user.NormalizedEmail))
            {
                return Problems.Conflict(
                    $"{user.Email} is listed in {ConfiguredAdmins.ConfigKey} and would be an admin again at the next sign-in; remove the address from that list first.");
            }

            // Only the caller is an admin at this point if there is one admin; withdrawing it would leave nobody to appoint.
            if (adminIds.Count == 1)
            {
                return Problems.Conflict("You are the last admin; appoint another admin before giving up the role.");
            }
        }

        var previousRole = user.Role;
        var now = timeProvider.GetUtcNow();
        user.ChangeRole(role, now);
        outbox.Enqueue(UserRoleChanged.Topic, new UserRoleChanged(user.Id, user.Email, role, previousRole, callerId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(UserResponse.From(user));
    }
}
