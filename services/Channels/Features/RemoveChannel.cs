using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Channels.Contracts;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.OutboxInbox;

namespace DaprPlatform.Channels.Features;

/// <summary>
/// DELETE /api/channels/{id} — owner or admin. A hard delete: the chat id becomes free to register again, and
/// later webhook updates for it are ignored like any unknown chat. Publishes <c>channel.removed</c>. The freed slot goes
/// to the owner's oldest plan-paused channel, which resumes (<c>channel.resumed</c>): the oldest channels within the plan's
/// limit are always the active ones (ADR 0030).
/// </summary>
public static class RemoveChannel
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapDelete("/{id:guid}", HandleAsync).WithName("RemoveChannel");

    public static async Task<Results<NoContent, NotFoundProblem>> HandleAsync(
        Guid id, ClaimsPrincipal user, ChannelsDbContext db, Outbox<ChannelsDbContext> outbox, OwnerChannelSlots slots, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var channel = await ChannelAccess.FindVisibleAsync(db, id, user, track: true, ct);
        if (channel is null)
        {
            return ChannelAccess.NotFound(id);
        }

        await slots.LockAsync(channel.OwnerId, ct);
        var now = time.GetUtcNow();
        db.Channels.Remove(channel);
        outbox.Enqueue(ChannelRemoved.Topic, new ChannelRemoved(channel.Id, now));
        await slots.ReconcileAsync(channel.OwnerId, await slots.AllowanceAsync(channel.OwnerId, ct), now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
