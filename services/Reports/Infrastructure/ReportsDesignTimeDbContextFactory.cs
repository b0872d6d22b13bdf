using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Reports.Infrastructure;

/// <summary>How `dotnet ef` builds the context: the app's own options, with a connection string it never opens.</summary>
public sealed class ReportsDesignTimeDbContextFactory : IDesignTimeDbContextFactory<ReportsDbContext>
{
    public ReportsDbContext CreateDbContext(string[] args) => new(ServiceDatabase.DesignTimeOptions<ReportsDbContext>());
}
