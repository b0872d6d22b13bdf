using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Channels.Contracts;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.OutboxInbox;

namespace DaprPlatform.Channels.Features;

/// <summary>
/// DELETE /api/channels/{id} — owner or admin. A hard delete: the chat id becomes free to register again, and
/// later webhook updates for it are ignored like any unknown chat. Publishes <c>channel.removed</c>.
/// </summary>
public static class RemoveChannel
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapDelete("/{id:guid}", HandleAsync).WithName("RemoveChannel");

    public static async Task<Results<NoContent, NotFoundProblem>> HandleAsync(
        Guid id, ClaimsPrincipal user, ChannelsDbContext db, Outbox<ChannelsDbContext> outbox, TimeProvider time, CancellationToken ct)
    {
        var channel = await ChannelAccess.FindVisibleAsync(db, id, user, track: true, ct);
        if (channel is null)
        {
            return ChannelAccess.NotFound(id);
        }

        db.Channels.Remove(channel);
        outbox.Enqueue(ChannelRemoved.Topic, new ChannelRemoved(channel.Id, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
