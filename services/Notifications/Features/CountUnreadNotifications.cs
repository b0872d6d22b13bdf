using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

public sealed record UnreadCountResponse(int Unread);

/// <summary>
/// GET /api/notifications/unread-count — how many of the caller's notifications are unread. The web app's bell asks every few
/// seconds per open page, so it is one count over a partial index of unread rows, not a page of the list.
/// </summary>
public static class CountUnreadNotifications
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/unread-count", HandleAsync).WithName("CountUnreadNotifications");

    public static async Task<Ok<UnreadCountResponse>> HandleAsync(ClaimsPrincipal user, NotificationsDbContext db, CancellationToken ct)
    {
        var userId = user.GetUserId();
        var unread = await db.Notifications.CountAsync(n => n.UserId == userId && n.ReadAt == null, ct);
        return TypedResults.Ok(new UnreadCountResponse(unread));
    }
}
