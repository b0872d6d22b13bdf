using System.Net;
using System.Text.Json;
using DaprPlatform.ServiceDefaults.Tests.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>/healthz is liveness (always 200 while the process serves); /readyz reports the database and the sidecar.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new("sd_health");

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private static string UnreachableDatabase() => new NpgsqlConnectionStringBuilder(PostgresDatabase.AdminConnectionString)
    {
        Host = "127.0.0.1",
        Port = FreeTcpPort.Next(),
        Timeout = 3,
    }.ConnectionString;

    /// <summary>A sidecar is expected (DAPR_*_ENDPOINT set, as the SDK reads them) where nothing listens; no secret store is read.</summary>
    private static void UnreachableSidecar(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection([
            new("DAPR_HTTP_ENDPOINT", $"http://127.0.0.1:{FreeTcpPort.Next()}"),
            new("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{FreeTcpPort.Next()}"),
            new("Sidecar:SecretStore", "none"),
        ]);

    private static Task<InProcessApp> StartWithDatabaseAsync(string connectionString, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? beforeDefaults = null) =>
        InProcessApp.StartAsync(
            settings: new Dictionary<string, string?> { ["ConnectionStrings:sdtests"] = connectionString },
            beforeDefaults: beforeDefaults,
            afterDefaults: b => b.AddServiceDatabase<TestDbContext>("sdtests"));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(InProcessApp app, string path)
    {
        using var response = await app.Client.GetAsync(path);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }

    private static string CheckStatus(JsonElement body, string check) =>
        body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString()!;

    [Fact]
    public async Task Readiness_is_healthy_with_a_reachable_database()
    {
        await using var app = await StartWithDatabaseAsync(_database.ConnectionString);
        var (status, body) = await GetAsync(app, "/readyz");

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("status").GetString().Should().Be("Healthy");
        CheckStatus(body, "database").Should().Be("Healthy");
        // Not beside a sidecar (no DAPR_HTTP_PORT): the sidecar check passes and says why.
        CheckStatus(body, "sidecar").Should().Be("Healthy");
        body.GetProperty("checks").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("database", "sidecar");
    }

    [Fact]
    public async Task Readiness_is_503_when_the_database_is_unreachable()
    {
        await using var app = await StartWithDatabaseAsync(UnreachableDatabase());
        var (status, body) = await GetAsync(app, "/readyz");

        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("status").GetString().Should().Be("Unhealthy");
        CheckStatus(body, "database").Should().Be("Unhealthy");
    }

    [Fact]
    public async Task Readiness_is_503_when_the_database_does_not_exist()
    {
        var missing = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Database = _database.Name + "_missing" }.ConnectionString;
        await using var app = await StartWithDatabaseAsync(missing);
        var (status, body) = await GetAsync(app, "/readyz");

        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        CheckStatus(body, "database").Should().Be("Unhealthy");
    }

    [Fact]
    public async Task Liveness_is_200_even_when_the_dependencies_are_down()
    {
        await using var app = await StartWithDatabaseAsync(
            UnreachableDatabase(),
            UnreachableSidecar);
        var (status, body) = await GetAsync(app, "/healthz");

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("status").GetString().Should().Be("Healthy");
        body.GetProperty("checks").EnumerateObject().Select(p => p.Name).Should().NotContain(["database", "sidecar"]);
    }

    [Fact]
    public async Task Readiness_is_503_when_the_expected_sidecar_is_unreachable()
    {
        await using var app = await StartWithDatabaseAsync(
            _database.ConnectionString,
            UnreachableSidecar);
        var (status, body) = await GetAsync(app, "/readyz");

        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        CheckStatus(body, "database").Should().Be("Healthy");
        CheckStatus(body, "sidecar").Should().Be("Unhealthy");
    }

    [Fact]
    public async Task Probes_stay_open_when_an_app_api_token_guards_every_other_route()
    {
        // APP_API_TOKEN: sidecar→app calls carry dapr-api-token; probes don't, so /healthz and /readyz are exempt.
        await using var app = await StartWithDatabaseAsync(
            _database.ConnectionString,
            b => b.Configuration.AddInMemoryCollection([new("APP_API_TOKEN", "app-token")]));

        using (var live = await app.Client.GetAsync("/healthz"))
        {
            live.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using (var ready = await app.Client.GetAsync("/readyz"))
        {
            ready.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var guarded = await app.Client.GetAsync("/anything");
        guarded.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await guarded.ReadProblemAsync();
    }
}
