using System.Security.Claims;
using Dapr;
using Dapr.Client;
using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Messaging.Features;

/// <summary>
/// POST /api/conversations/{id}/typing — "I am typing", to the other participant's live streams only. Ephemeral: never
/// stored, published straight to the live topic with a short time-to-live; repeats within the typing interval are
/// absorbed (still 202).
/// </summary>
public static class SignalTyping
{
    /// <summary>A typing signal is worthless after a few seconds; the broker drops it unsent after this.</summary>
    public const string TimeToLiveSeconds = "10";

    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/{id:guid}/typing", HandleAsync).WithName("SignalTyping");

    public static async Task<Results<Accepted, NotFoundProblem, UnavailableProblem>> HandleAsync(
        Guid id,
        ClaimsPrincipal user,
        MessagingDbContext db,
        TypingThrottle throttle,
        DaprClient dapr,
        TimeProvider time,
        CancellationToken ct)
    {
        var me = user.GetUserId();
        var conversation = await ConversationRows.Of(db, me).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (conversation is null)
        {
            return MessagingProblems.ConversationNotFound(id);
        }

        if (!throttle.TryPass(me, id))
        {
            return TypedResults.Accepted((string?)null);
        }

        var now = time.GetUtcNow();
        var notice = LiveNotice.Of([conversation.OtherParticipant(me)], LiveNotice.UserTyping, id, conversation.Version, now,
            new TypingBody(id, me, conversation.NameOf(me), now));
        try
        {
            await dapr.PublishEventAsync(LiveNotice.PubSubName, LiveNotice.Topic, notice,
                new Dictionary<string, string> { ["ttlInSeconds"] = TimeToLiveSeconds }, ct);
        }
        catch (DaprException)
        {
            return Problems.Unavailable("The typing signal could not be published; the sidecar is unreachable.");
        }

        return TypedResults.Accepted((string?)null);
    }
}
