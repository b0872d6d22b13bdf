using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Tutoring.Infrastructure;

/// <summary>How `dotnet ef` builds the context: the app's own options, with a connection string it never opens.</summary>
public sealed class TutoringDesignTimeDbContextFactory : IDesignTimeDbContextFactory<TutoringDbContext>
{
    public TutoringDbContext CreateDbContext(string[] args) => new(ServiceDatabase.DesignTimeOptions<TutoringDbContext>());
}
