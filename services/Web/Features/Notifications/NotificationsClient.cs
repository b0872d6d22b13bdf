using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Notifications;

/// <summary>One notification as the notifications service lists it (<c>NotificationResponse</c>).</summary>
public sealed record NotificationItem(Guid Id, string Kind, string Title, string Body, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, bool IsRead);

/// <summary><c>GET /api/notifications/unread-count</c>'s answer.</summary>
public sealed record UnreadCount(int Unread);

/// <summary><c>POST /api/notifications/read-all</c>'s answer: how many were unread until now.</summary>
public sealed record MarkedAllRead(int Updated);

/// <summary>The person's channel choices (<c>GET/PUT /api/notifications/preferences</c>); a chat id is needed for Telegram.</summary>
public sealed record ChannelPreferences(bool InApp, bool Telegram, bool Email, string? TelegramChatId);

/// <summary>The notifications service's public API, called as the signed-in person through the web app's sidecar.</summary>
public sealed class NotificationsClient(ServiceCalls services)
{
    public const string AppId = "notifications";
    public const int PageSize = 20;

    public Task<ApiResult<PagedResponse<NotificationItem>>> ListAsync(int page, CancellationToken ct) =>
        services.GetAsync<PagedResponse<NotificationItem>>(AppId, $"api/notifications?page={page}&pageSize={PageSize}", ct);

    public Task<ApiResult<UnreadCount>> CountUnreadAsync(CancellationToken ct) =>
        services.GetAsync<UnreadCount>(AppId, "api/notifications/unread-count", ct);

    public Task<ApiResult<NotificationItem>> MarkReadAsync(Guid id, CancellationToken ct) =>
        services.SendAsync<NotificationItem>(HttpMethod.Post, AppId, $"api/notifications/{id}/read", body: null, ct);

    public Task<ApiResult<MarkedAllRead>> MarkAllReadAsync(CancellationToken ct) =>
        services.SendAsync<MarkedAllRead>(HttpMethod.Post, AppId, "api/notifications/read-all", body: null, ct);

    public Task<ApiResult<ChannelPreferences>> GetPreferencesAsync(CancellationToken ct) =>
        services.GetAsync<ChannelPreferences>(AppId, "api/notifications/preferences", ct);

    public Task<ApiResult<ChannelPreferences>> SavePreferencesAsync(ChannelPreferences preferences, CancellationToken ct) =>
        services.SendAsync<ChannelPreferences>(HttpMethod.Put, AppId, "api/notifications/preferences", preferences, ct);
}
