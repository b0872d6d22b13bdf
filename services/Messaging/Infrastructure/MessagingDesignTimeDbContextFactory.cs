using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Messaging.Infrastructure;

/// <summary>How `dotnet ef` builds the context: the app's own options, with a connection string it never opens.</summary>
public sealed class MessagingDesignTimeDbContextFactory : IDesignTimeDbContextFactory<MessagingDbContext>
{
    public MessagingDbContext CreateDbContext(string[] args) => new(ServiceDatabase.DesignTimeOptions<MessagingDbContext>());
}
