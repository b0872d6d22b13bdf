using FluentAssertions;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.TestSupport;

/// <summary>What the guard saw in the migrated database, for a service's own extra assertions.</summary>
public sealed record MigratedDatabase(DatabaseSchema Schema, IReadOnlyList<string> AppliedMigrations);

/// <summary>
/// Guards hand-written migrations: the schema MigrateAsync produces must equal what EnsureCreated builds from the model,
/// and no migration may be left pending. Changing the model without a matching migration fails here.
/// </summary>
public static class MigrationSchemaGuard
{
    public static async Task<MigratedDatabase> AssertMigrationsMatchModelAsync<TContext>(
        Func<string, TContext> createContext,
        string namePrefix,
        CancellationToken ct = default)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(createContext);
        await using var migratedDatabase = new OwnedDatabase(new PostgresDatabase(namePrefix + "_mig"));
        await using var createdDatabase = new OwnedDatabase(new PostgresDatabase(namePrefix + "_ens"));
        await migratedDatabase.Database.InitializeAsync();
        await createdDatabase.Database.InitializeAsync();

        IReadOnlyList<string> applied;
        await using (var db = createContext(migratedDatabase.Database.ConnectionString))
        {
            await db.Database.MigrateAsync(ct);
            (await db.Database.GetPendingMigrationsAsync(ct)).Should().BeEmpty();
            applied = [.. await db.Database.GetAppliedMigrationsAsync(ct)];
        }

        await using (var db = createContext(createdDatabase.Database.ConnectionString))
        {
            (await db.Database.EnsureCreatedAsync(ct)).Should().BeTrue();
        }

        var migrated = await DatabaseSchema.ReadAsync(migratedDatabase.Database.ConnectionString, ct);
        var created = await DatabaseSchema.ReadAsync(createdDatabase.Database.ConnectionString, ct);
        migrated.Lines.Should().NotBeEmpty("the snapshot must actually read the schema");
        migrated.ShouldEqual(created, $"the migrated {typeof(TContext).Name} schema");
        return new MigratedDatabase(migrated, applied);
    }

    // Drops the database even when an assertion above throws.
    private sealed class OwnedDatabase(PostgresDatabase database) : IAsyncDisposable
    {
        public PostgresDatabase Database { get; } = database;

        public async ValueTask DisposeAsync() => await Database.DisposeAsync();
    }
}
