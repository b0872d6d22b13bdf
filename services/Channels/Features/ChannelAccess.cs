using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Channels.Domain;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Features;

/// <summary>Loads a channel the caller may act on; anything else is indistinguishable from a missing channel.</summary>
public static class ChannelAccess
{
    public static async Task<Channel?> FindVisibleAsync(ChannelsDbContext db, Guid id, ClaimsPrincipal user, bool track, CancellationToken ct)
    {
        var query = track ? db.Channels : db.Channels.AsNoTracking();
        var channel = await query.SingleOrDefaultAsync(c => c.Id == id, ct);
        return channel is not null && channel.IsVisibleTo(user.GetUserId(), user.IsAdmin()) ? channel : null;
    }

    // The same answer for "not yours" and "does not exist", so channel ids cannot be probed.
    public static NotFoundProblem NotFound(Guid id) => Problems.NotFound($"Channel {id} was not found.");
}
