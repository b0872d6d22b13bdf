using System.Net.ServerSentEvents;
using System.Text.Json;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Channels;

/// <summary>How the live stream is doing, as the dashboard tells the person.</summary>
public enum LiveState
{
    Connecting,
    Live,
    Reconnecting,

    /// <summary>The session ended: retrying cannot help.</summary>
    Stopped,
}

/// <summary>
/// Follows a channel's live stream (<c>/live</c>, Server-Sent Events) until cancelled: every <c>realtime</c> event goes to
/// the callback, and when the stream ends — Dapr's appCall timeout (15 s) cuts long responses, a service restarts — it
/// opens it again after a short pause, longer while it keeps failing.
/// </summary>
public sealed class ChannelLiveFeed(ChannelsClient client, ILogger logger)
{
    /// <summary>Pause before reopening after the n-th failure in a row (the last repeats); a normal end reopens after the first.</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    public async Task RunAsync(Guid channelId, Func<RealtimeView, Task> onView, Func<LiveState, ApiProblem?, Task> onState, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onView);
        ArgumentNullException.ThrowIfNull(onState);
        var failures = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var (response, problem) = await client.OpenLiveAsync(channelId, ct);
                if (response is not null)
                {
                    using (response)
                    {
                        if (await ReadAsync(response, onView, onState, ct))
                        {
                            failures = 0;
                        }
                        else
                        {
                            failures++;
                        }
                    }
                }
                else
                {
                    failures++;
                    if (problem!.Status == 401)
                    {
                        await onState(LiveState.Stopped, problem);
                        return;
                    }

                    // 404 right after registering: analytics learns of a channel through pub/sub, moments later.
                    await onState(LiveState.Reconnecting, problem);
                }

                await Task.Delay(Backoff[Math.Min(failures, Backoff.Count - 1)], ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The person left the page.
        }
    }

    /// <returns>Whether the stream delivered at least one view before it ended.</returns>
    private async Task<bool> ReadAsync(HttpResponseMessage response, Func<RealtimeView, Task> onView, Func<LiveState, ApiProblem?, Task> onState, CancellationToken ct)
    {
        var delivered = false;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            // The framework's own text/event-stream reader (System.Net.ServerSentEvents).
            await foreach (var message in SseParser.Create(stream).EnumerateAsync(ct))
            {
                if (message.EventType != "realtime")
                {
                    continue;
                }

                RealtimeView? view;
                try
                {
                    view = JsonSerializer.Deserialize<RealtimeView>(message.Data, ServiceCalls.Json);
                }
                catch (JsonException e)
                {
                    logger.LogWarning(e, "A live event of analytics could not be read");
                    continue;
                }

                if (view is not null)
                {
                    if (!delivered)
                    {
                        await onState(LiveState.Live, null);
                    }

                    delivered = true;
                    await onView(view);
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            // The stream was cut mid-way; reopening it is the answer.
            logger.LogDebug(e, "The live stream ended abruptly");
        }

        return delivered;
    }
}
