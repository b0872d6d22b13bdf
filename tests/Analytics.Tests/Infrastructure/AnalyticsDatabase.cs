using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Tests.Infrastructure;

/// <summary>A real, migrated analytics database for one test class.</summary>
public sealed class AnalyticsDatabase : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new("analytics");

    public string ConnectionString => _database.ConnectionString;

    public AnalyticsDbContext CreateContext() =>
        new(new DbContextOptionsBuilder<AnalyticsDbContext>().UseNpgsql(ConnectionString).Options);

    public Task<long> CountAsync(string table) => _database.CountAsync(table);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => _database.DisposeAsync();
}
