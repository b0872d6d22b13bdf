using DaprPlatform.ServiceDefaults.Tests.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DaprPlatform.ServiceDefaults.Tests;

public sealed class MigrateDatabaseTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new("sd_migrate");

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Migration_retries_while_the_database_server_is_still_starting()
    {
        var real = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        await using var forwarder = new DelayedTcpForwarder(FreeTcpPort.Next(), real.Host!, real.Port);
        var throughForwarder = new NpgsqlConnectionStringBuilder(_database.ConnectionString)
        {
            Host = "127.0.0.1",
            Port = forwarder.Port,
            Timeout = 3,
            Pooling = false,
        }.ConnectionString;

        await using var app = await InProcessApp.StartAsync(
            settings: new Dictionary<string, string?> { ["ConnectionStrings:sdtests"] = throughForwarder },
            afterDefaults: b => b.AddServiceDatabase<TestDbContext>("sdtests"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var migration = app.App.MigrateDatabaseAsync<TestDbContext>(timeout.Token);

        // Let the first attempt fail (connection refused), then "start" the server.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!app.Logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("attempt 1/", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        migration.IsCompleted.Should().BeFalse("the database was not reachable yet");
        forwarder.Open();
        await migration;

        app.Logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("attempt 1/", StringComparison.Ordinal));
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var history = new NpgsqlCommand("SELECT to_regclass('public.\"__EFMigrationsHistory\"') IS NOT NULL", connection);
        ((bool)(await history.ExecuteScalarAsync())!).Should().BeTrue("MigrateAsync ran against the real database");
    }

    [Fact]
    public async Task Migration_gives_up_at_once_on_a_non_transient_failure()
    {
        // An unknown role is not transient: retrying cannot help, so the first failure surfaces.
        var wrongPassword = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Username = "no_such_role_sdtests", Pooling = false }.ConnectionString;
        await using var app = await InProcessApp.StartAsync(
            settings: new Dictionary<string, string?> { ["ConnectionStrings:sdtests"] = wrongPassword },
            afterDefaults: b => b.AddServiceDatabase<TestDbContext>("sdtests"));

        var act = () => app.App.MigrateDatabaseAsync<TestDbContext>();
        await act.Should().ThrowAsync<PostgresException>();
        app.Logs.Entries.Should().NotContain(e => e.Message.Contains("retrying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_database_migrated_by_another_line_of_migrations_is_refused_with_what_to_do_and_left_alone()
    {
        // What a developer's database from before ADR 0015 holds: the hand-written migrations' ids, none of which this build knows.
        await using (var connection = new NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var history = new NpgsqlCommand("""
                CREATE TABLE "__EFMigrationsHistory" ("MigrationId" varchar(150) PRIMARY KEY, "ProductVersion" varchar(32) NOT NULL);
                INSERT INTO "__EFMigrationsHistory" VALUES ('20261122000001_Initial', '10.0.0');
                """, connection);
            await history.ExecuteNonQueryAsync();
        }

        await using var app = await InProcessApp.StartAsync(
            settings: new Dictionary<string, string?> { ["ConnectionStrings:sdtests"] = _database.ConnectionString },
            afterDefaults: b => b.AddServiceDatabase<TestDbContext>("sdtests"));

        var act = () => app.App.MigrateDatabaseAsync<TestDbContext>();

        var refused = (await act.Should().ThrowAsync<InvalidOperationException>()).Which;
        refused.Message.Should().Contain(_database.Name).And.Contain("20261122000001_Initial").And.Contain("drop it");
        (await _database.CountAsync("\"__EFMigrationsHistory\"")).Should().Be(1, "nothing was changed");
    }
}
