using DaprPlatform.Web.Features.Messaging;

// In the DI namespace, as ASP.NET Core's own AddXxx extensions are, so Program.cs registers the area with one line.
namespace Microsoft.Extensions.DependencyInjection;

public static class MessagingRegistration
{
    /// <summary>The API client, and per circuit the one live stream and the unread count the header and the pages share.</summary>
    public static IServiceCollection AddMessagingFeatures(this IServiceCollection services) =>
        services.AddScoped<MessagingClient>().AddScoped<MessagingLive>().AddScoped<UnreadMessages>();
}
