using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

/// <summary>POST /api/notifications/{id}/read — marks one of the caller's notifications read.</summary>
public static class MarkNotificationRead
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/{id:guid}/read", HandleAsync).WithName("MarkNotificationRead");

    public static async Task<Results<Ok<NotificationResponse>, NotFoundProblem>> HandleAsync(Guid id, ClaimsPrincipal user, NotificationsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var userId = user.GetUserId();
        // Someone else's notification answers exactly like a missing one, so ids cannot be probed.
        var notification = await db.Notifications.SingleOrDefaultAsync(n => n.Id == id && n.UserId == userId, ct);
        if (notification is null)
        {
            return Problems.NotFound($"Notification {id} was not found.");
        }

        notification.MarkRead(time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(NotificationResponse.From(notification));
    }
}
