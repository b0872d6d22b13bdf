using DaprPlatform.OutboxInbox;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DaprPlatform.OutboxInbox.Tests;

/// <summary>A real Postgres database with the test schema and a DI container wired like a service.</summary>
public sealed class OutboxInboxHost : IAsyncDisposable
{
    private readonly PostgresDatabase _database;

    private OutboxInboxHost(PostgresDatabase database, ServiceProvider services)
    {
        _database = database;
        Services = services;
    }

    public ServiceProvider Services { get; }

    public string ConnectionString => _database.ConnectionString;

    /// <param name="sidecarGrpcPort">Where the outbox's DaprClient finds its sidecar (nothing need listen there).</param>
    public static async Task<OutboxInboxHost> StartAsync(int sidecarGrpcPort, Action<OutboxOptions>? outbox = null)
    {
        var database = new PostgresDatabase("messaging");
        await database.InitializeAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<OutboxInboxTestDb>(o => o.UseNpgsql(database.ConnectionString));
        services.AddDaprClient(dapr => dapr.UseGrpcEndpoint($"http://127.0.0.1:{sidecarGrpcPort}"));
        services.AddOutbox<OutboxInboxTestDb>(outbox);
        services.AddInbox<OutboxInboxTestDb>();
        var provider = services.BuildServiceProvider();
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OutboxInboxTestDb>().Database.EnsureCreatedAsync();
        }

        return new OutboxInboxHost(database, provider);
    }

    public IHostedService Dispatcher => Services.GetServices<IHostedService>().Single();

    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public async Task<List<OutboxMessage>> OutboxRowsAsync() =>
        await InScopeAsync(sp => sp.GetRequiredService<OutboxInboxTestDb>().OutboxMessages.AsNoTracking().ToListAsync());

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await _database.DisposeAsync();
    }
}
