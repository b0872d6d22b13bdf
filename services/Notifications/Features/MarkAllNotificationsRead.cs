using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

public sealed record MarkAllReadResponse(int Updated);

/// <summary>POST /api/notifications/read-all — marks every unread notification of the caller read.</summary>
public static class MarkAllNotificationsRead
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/read-all", HandleAsync).WithName("MarkAllNotificationsRead");

    public static async Task<Ok<MarkAllReadResponse>> HandleAsync(ClaimsPrincipal user, NotificationsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var userId = user.GetUserId();
        var now = time.GetUtcNow();
        var updated = await db.Notifications
            .Where(n => n.UserId == userId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        return TypedResults.Ok(new MarkAllReadResponse(updated));
    }
}
