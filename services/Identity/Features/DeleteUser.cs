using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

/// <summary>
/// DELETE /internal/users/{id}: removes the account (refresh-token families and tokens cascade) and publishes
/// <c>user.deleted</c> through the outbox in the same transaction. Deleting an account that is already gone is a no-op
/// (204, no second event), which makes the saga's compensation safe to redeliver.
/// </summary>
public static class DeleteUser
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder steps) => steps.MapDelete("/users/{id:guid}", HandleAsync);


    public static async Task<NoContent> HandleAsync(Guid id, IdentityDbContext db, Outbox<IdentityDbContext> outbox, TimeProvider timeProvider, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return TypedResults.NoContent();
        }

        var now = timeProvider.GetUtcNow();
        db.Users.Remove(user);
        outbox.Enqueue(UserDeleted.Topic, new UserDeleted(user.Id, user.Email, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A concurrent delete removed the row (and published the event) first.
            return TypedResults.NoContent();
        }

        return TypedResults.NoContent();
    }
}
