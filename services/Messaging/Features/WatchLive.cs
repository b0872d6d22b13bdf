using System.Security.Claims;
using System.Text.Json;
using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Messaging.Features;

/// <summary>
/// GET /api/messaging/live — the caller's Server-Sent Events: <c>message:new</c>, <c>message:read</c>, <c>message:edited</c>,
/// <c>message:deleted</c>, <c>user:typing</c> for all their conversations. Starts with a <c>: connected</c> comment once the
/// stream is registered, sends <c>: keep-alive</c> when idle, and ends when the client goes away.
/// </summary>
public static class WatchLive
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder live) => live.MapGet("/live", HandleAsync).WithName("WatchMessagingLive");

    public static async Task HandleAsync(ClaimsPrincipal user, LiveConnections connections, IOptions<LiveOptions> options, TimeProvider time, HttpContext context)
    {
        var ct = context.RequestAborted;
        var settings = options.Value;
        using var connection = connections.Open(user.GetUserId());
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        try
        {
            await WriteAsync(context, ": connected\n\n", ct);
            var notices = connection.Notices;
            while (!ct.IsCancellationRequested)
            {
                if (!await WaitForNoticeAsync(notices, settings.KeepAliveInterval, time, ct))
                {
                    await WriteAsync(context, ": keep-alive\n\n", ct);
                    continue;
                }

                if (settings.ReorderWindow > TimeSpan.Zero)
                {
                    // Let notices delivered concurrently with this one arrive, then write them in conversation order.
                    await Task.Delay(settings.ReorderWindow, time, ct);
                }

                var batch = new List<LiveNotice>();
                while (notices.TryRead(out var notice)) { batch.Add(notice); }
                foreach (var notice in InConversationOrder(batch))
                {
                    await WriteAsync(context, $"event: {notice.Event}\ndata: {JsonSerializer.Serialize(notice.Data)}\n\n", ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    /// <summary>Within a conversation by version; conversations keep the order their first notice arrived in.</summary>
    public static IEnumerable<LiveNotice> InConversationOrder(IReadOnlyList<LiveNotice> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var firstSeen = new Dictionary<Guid, int>();
        for (var i = 0; i < batch.Count; i++) { firstSeen.TryAdd(batch[i].ConversationId, i); }
        return batch.OrderBy(n => firstSeen[n.ConversationId]).ThenBy(n => n.Version);
    }

    /// <summary>True when a notice is waiting; false when <paramref name="idle"/> passed without one.</summary>
    private static async Task<bool> WaitForNoticeAsync(System.Threading.Channels.ChannelReader<LiveNotice> notices, TimeSpan idle, TimeProvider time, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(idle, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return await notices.WaitToReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task WriteAsync(HttpContext context, string text, CancellationToken ct)
    {
        await context.Response.WriteAsync(text, ct);
        await context.Response.Body.FlushAsync(ct);
    }
}
