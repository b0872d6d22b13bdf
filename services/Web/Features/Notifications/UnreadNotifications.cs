using DaprPlatform.Web.Infrastructure;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Notifications;

/// <summary>
/// The signed-in person's unread count, one per circuit: the bell in the header shows it and polls it, and the list page
/// refreshes it right after marking read, so the bell follows without waiting for its next tick.
/// </summary>
public sealed class UnreadNotifications(NotificationsClient notifications)
{
    /// <summary>Null until the service has answered once.</summary>
    public int? Count { get; private set; }

    /// <summary>Why the last refresh failed; null once it answers again.</summary>
    public ApiProblem? Problem { get; private set; }

    /// <summary>Raised after every refresh whose outcome changed what the bell shows.</summary>
    public event Func<Task>? Changed;

    public async Task RefreshAsync(CancellationToken ct)
    {
        var answer = await notifications.CountUnreadAsync(ct);
        var count = answer.Succeeded ? answer.Value.Unread : Count;
        var changed = count != Count || (answer.Problem is null) != (Problem is null);
        Count = count;
        Problem = answer.Problem;
        if (changed)
        {
            await AsyncEvent.RaiseAsync(Changed);
        }
    }
}
