using DaprPlatform.Web.Infrastructure;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Messaging;

/// <summary>
/// The signed-in person's unread messages over all their conversations, one per circuit: the header's Messages link shows
/// it. It is messaging's unread total, read again whenever the live stream brings a message, a read receipt or a deletion,
/// and whenever the stream is live again (it is not resumable).
/// </summary>
public sealed class UnreadMessages(MessagingClient messaging)
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private int _wanted;

    /// <summary>Null until the service has answered once.</summary>
    public int? Count { get; private set; }

    /// <summary>Why the last refresh failed; null once it answers again.</summary>
    public ApiProblem? Problem { get; private set; }

    /// <summary>Raised after every refresh whose outcome changed what the link shows.</summary>
    public event Func<Task>? Changed;

    /// <summary>Whether this event can change <paramref name="me"/>'s count: another's new or deleted message, or my reading.</summary>
    public static bool Affects(MessagingEvent e, Guid me) => e switch
    {
        MessageArrived arrived => arrived.Message.SenderId != me,
        MessageChanged changed => changed.Message.Deleted && changed.Message.SenderId != me,
        MessagesRead read => read.Receipt.ReaderId == me,
        _ => false,
    };

    /// <summary>
    /// Reads the count again. Calls that arrive while one runs are folded into one more read after it, so a burst of events
    /// costs two reads, and the last read starts after the last event.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _wanted);
        await _refreshing.WaitAsync(ct);
        try
        {
            if (Interlocked.Exchange(ref _wanted, 0) == 0)
            {
                // A read that started after this call was made has already answered it.
                return;
            }

            var answer = await messaging.GetUnreadAsync(ct);
            var count = answer.Succeeded ? answer.Value.Unread : Count;
            var changed = count != Count || (answer.Problem is null) != (Problem is null);
            Count = count;
            Problem = answer.Problem;
            if (changed)
            {
                await AsyncEvent.RaiseAsync(Changed);
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
