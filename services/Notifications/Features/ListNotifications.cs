using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

/// <summary>GET /api/notifications?page=&amp;pageSize= — the caller's own notifications, newest first.</summary>
public static class ListNotifications
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/", HandleAsync).WithName("ListNotifications");

    // Paging values arrive as strings so a non-number becomes a field error rather than a binding failure.
    public static async Task<Results<Ok<PagedResponse<NotificationResponse>>, ValidationProblem>> HandleAsync(
        string? page,
        string? pageSize,
        ClaimsPrincipal user,
        NotificationsDbContext db,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.TryCreate(page, pageSize, errors, DefaultPageSize, MaxPageSize);
        if (paging is null)
        {
            return errors.ToProblem();
        }

        var userId = user.GetUserId();
        var mine = db.Notifications.AsNoTracking().Where(n => n.UserId == userId);
        var total = await mine.CountAsync(ct);
        var items = await paging.Apply(mine
            .OrderByDescending(n => n.CreatedAt)
            .ThenByDescending(n => n.Id))
            .ToListAsync(ct);

        return TypedResults.Ok(new PagedResponse<NotificationResponse>(items.Select(NotificationResponse.From).ToList(), paging.Page, paging.PageSize, total));
    }
}
