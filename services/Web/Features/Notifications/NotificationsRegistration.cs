using DaprPlatform.Web.Features.Notifications;

// In the DI namespace, as ASP.NET Core's own AddXxx extensions are, so Program.cs registers the area with one line.
namespace Microsoft.Extensions.DependencyInjection;

public static class NotificationsRegistration
{
    /// <summary>The API client and the per-circuit unread count the bell and the list share.</summary>
    public static IServiceCollection AddNotificationFeatures(this IServiceCollection services) =>
        services.AddScoped<NotificationsClient>().AddScoped<UnreadNotifications>();
}
