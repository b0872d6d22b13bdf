using System.Net.ServerSentEvents;
using System.Text.Json;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Channels;

/// <summary>
/// Follows a channel's live stream (<c>/live</c>, Server-Sent Events) until cancelled: every <c>realtime</c> event goes to
/// the callback; <see cref="LiveStream"/> reopens the stream when it ends. The stream is live with its first view
/// (analytics sends one as soon as it opens).
/// </summary>
public sealed class ChannelLiveFeed(ChannelsClient client, ILogger logger, TimeProvider time)
{
    public Task RunAsync(Guid channelId, Func<RealtimeView, Task> onView, Func<LiveState, ApiProblem?, Task> onState, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onView);
        return LiveStream.RunAsync(token => client.OpenLiveAsync(channelId, token), message => Accept(message, onView), onState,
            liveOnOpen: false, time, logger, ct);
    }

    private Func<Task>? Accept(SseItem<string> message, Func<RealtimeView, Task> onView)
    {
        if (message.EventType != "realtime")
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RealtimeView>(message.Data, ServiceCalls.Json) is { } view ? () => onView(view) : null;
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "A live event of analytics could not be read");
            return null;
        }
    }
}
