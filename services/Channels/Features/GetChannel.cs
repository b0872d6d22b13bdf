using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Channels.Infrastructure;

namespace DaprPlatform.Channels.Features;

/// <summary>GET /api/channels/{id} — owner or admin; anyone else gets 404.</summary>
public static class GetChannel
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapGet("/{id:guid}", HandleAsync).WithName("GetChannel");

    public static async Task<Results<Ok<ChannelResponse>, NotFoundProblem>> HandleAsync(Guid id, ClaimsPrincipal user, ChannelsDbContext db, CancellationToken ct)
    {
        var channel = await ChannelAccess.FindVisibleAsync(db, id, user, track: false, ct);
        return channel is null ? ChannelAccess.NotFound(id) : TypedResults.Ok(ChannelResponse.From(channel));
    }
}
