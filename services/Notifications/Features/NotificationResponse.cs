using DaprPlatform.Notifications.Domain;

namespace DaprPlatform.Notifications.Features;

public sealed record NotificationResponse(Guid Id, string Kind, string Title, string Body, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, bool IsRead)
{
    public static NotificationResponse From(Notification n) => new(n.Id, n.Kind, n.Title, n.Body, n.CreatedAt, n.ReadAt, n.ReadAt is not null);
}
