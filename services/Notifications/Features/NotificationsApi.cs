namespace DaprPlatform.Notifications.Features;

public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notifications").RequireAuthorization().WithTags("Notifications");
        ListNotifications.Map(api);
        CountUnreadNotifications.Map(api);
        MarkNotificationRead.Map(api);
        MarkAllNotificationsRead.Map(api);
        NotificationPreferencesEndpoints.Map(api);
        return app;
    }
}
