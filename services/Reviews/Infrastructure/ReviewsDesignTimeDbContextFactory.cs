using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Reviews.Infrastructure;

/// <summary>How `dotnet ef` builds the context: the app's own options, with a connection string it never opens.</summary>
public sealed class ReviewsDesignTimeDbContextFactory : IDesignTimeDbContextFactory<ReviewsDbContext>
{
    public ReviewsDbContext CreateDbContext(string[] args) => new(ServiceDatabase.DesignTimeOptions<ReviewsDbContext>());
}
