using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Identity.Infrastructure;

/// <summary>How `dotnet ef` builds the context: the app's own options, with a connection string it never opens.</summary>
public sealed class IdentityDesignTimeDbContextFactory : IDesignTimeDbContextFactory<IdentityDbContext>
{
    public IdentityDbContext CreateDbContext(string[] args) => new(ServiceDatabase.DesignTimeOptions<IdentityDbContext>());
}
