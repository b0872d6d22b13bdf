using System.Net.ServerSentEvents;

namespace DaprPlatform.Web.Infrastructure.Services;

/// <summary>How a live stream is doing, as a page tells the person.</summary>
public enum LiveState
{
    Connecting,
    Live,
    Reconnecting,

    /// <summary>The session ended: retrying cannot help.</summary>
    Stopped,
}

/// <summary>
/// Follows a service's Server-Sent Events stream until cancelled: every event goes to the callback, and when the stream
/// ends — Dapr's appCall timeout (15 s) cuts long responses, a service restarts — it opens it again after a short pause,
/// longer while it keeps failing. A 401 stops it: the session ended.
/// </summary>
public static class LiveStream
{
    /// <summary>Pause before reopening after the n-th failure in a row (the last repeats); a normal end reopens after the first.</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    /// <summary>A stream that stayed open this long worked, even if nothing happened meanwhile.</summary>
    public static readonly TimeSpan HealthyAfter = TimeSpan.FromSeconds(5);

    /// <param name="open">Opens the stream (see <see cref="ServiceCalls.OpenStreamAsync"/>).</param>
    /// <param name="accept">Reads one event: null when the reader has no use for it, else what to do with it (the first such
    /// makes the stream live, before it is done).</param>
    /// <param name="liveOnOpen">The stream is live as soon as it opens (its service registers the listener before answering),
    /// rather than with its first used event.</param>
    public static async Task RunAsync(
        Func<CancellationToken, Task<(HttpResponseMessage? Response, ApiProblem? Problem)>> open,
        Func<SseItem<string>, Func<Task>?> accept,
        Func<LiveState, ApiProblem?, Task> onState,
        bool liveOnOpen,
        TimeProvider time,
        ILogger logger,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(accept);
        ArgumentNullException.ThrowIfNull(onState);
        ArgumentNullException.ThrowIfNull(time);
        var failures = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var (response, problem) = await open(ct);
                if (response is not null)
                {
                    using (response)
                    {
                        var opened = time.GetTimestamp();
                        if (liveOnOpen)
                        {
                            await onState(LiveState.Live, null);
                        }

                        var delivered = await ReadAsync(response, accept, liveOnOpen ? null : onState, logger, ct);
                        failures = delivered || time.GetElapsedTime(opened) >= HealthyAfter ? 0 : failures + 1;
                    }

                    if (liveOnOpen && !ct.IsCancellationRequested)
                    {
                        // Until it is open again, changes are missed: the page reads afresh once it is.
                        await onState(LiveState.Reconnecting, null);
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

                    await onState(LiveState.Reconnecting, problem);
                }

                await Task.Delay(Backoff[Math.Min(failures, Backoff.Count - 1)], time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The person left the page.
        }
    }

    /// <returns>Whether the stream delivered at least one used event before it ended.</returns>
    private static async Task<bool> ReadAsync(HttpResponseMessage response, Func<SseItem<string>, Func<Task>?> accept,
        Func<LiveState, ApiProblem?, Task>? liveOnFirstEvent, ILogger logger, CancellationToken ct)
    {
        var delivered = false;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            // The framework's own text/event-stream reader (System.Net.ServerSentEvents).
            await foreach (var message in SseParser.Create(stream).EnumerateAsync(ct))
            {
                if (accept(message) is not { } deliver)
                {
                    continue;
                }

                if (!delivered && liveOnFirstEvent is not null)
                {
                    await liveOnFirstEvent(LiveState.Live, null);
                }

                delivered = true;
                await deliver();
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            // The stream was cut mid-way; reopening it is the answer.
            logger.LogDebug(e, "A live stream ended abruptly");
        }

        return delivered;
    }
}
