using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Features;

/// <summary>GET /api/channels?page=&amp;pageSize= — the caller's channels (an admin's: all), newest first.</summary>
public static class ListChannels
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/", HandleAsync).WithName("ListChannels");

    // Paging values arrive as strings so a non-number becomes a field error rather than a binding failure.
    public static async Task<Results<Ok<PagedResponse<ChannelResponse>>, ValidationProblem>> HandleAsync(string? page, string? pageSize, ClaimsPrincipal user, ChannelsDbContext db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.TryCreate(page, pageSize, errors, DefaultPageSize, MaxPageSize);
        if (paging is null)
        {
            return errors.ToProblem();
        }

        var visible = db.Channels.AsNoTracking();
        if (!user.IsAdmin())
        {
            var userId = user.GetUserId();
            visible = visible.Where(c => c.OwnerId == userId);
        }

        var total = await visible.CountAsync(ct);
        var items = await paging.Apply(visible
            .OrderByDescending(c => c.CreatedAt)
            .ThenByDescending(c => c.Id))
            .ToListAsync(ct);

        return TypedResults.Ok(new PagedResponse<ChannelResponse>(items.Select(ChannelResponse.From).ToList(), paging.Page, paging.PageSize, total));
    }
}
