using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Notifications.Infrastructure;

/// <summary>How `dotnet ef` builds the context: the app's own options, with a connection string it never opens.</summary>
public sealed class NotificationsDesignTimeDbContextFactory : IDesignTimeDbContextFactory<NotificationsDbContext>
{
    public NotificationsDbContext CreateDbContext(string[] args) => new(ServiceDatabase.DesignTimeOptions<NotificationsDbContext>());
}
