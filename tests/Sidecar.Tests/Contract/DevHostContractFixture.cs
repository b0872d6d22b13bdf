using System.Collections.Concurrent;
using DaprPlatform.DevHost;
using DaprPlatform.Sidecar.Subscriptions;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DaprPlatform.Sidecar.Tests.Contract;

public sealed record ContractEvent(string Name, int Number);

public sealed record EchoRequest(string Text);

/// <summary>Events the in-process app received from DevHost, keyed by CloudEvent id.</summary>
public sealed class ReceivedEvents
{
    public ConcurrentDictionary<string, (ContractEvent Data, CloudEventEnvelope Envelope)> ById { get; } = new();
}

public sealed class ContractEventHandler(ReceivedEvents received) : ITopicHandler<ContractEvent>
{
    public Task<TopicResponse> HandleAsync(ContractEvent data, CloudEventEnvelope envelope, CancellationToken ct)
    {
        received.ById[envelope.Id] = (data, envelope);
        return Task.FromResult(TopicResponse.Success);
    }
}

/// <summary>
/// The real DevHost serving one sidecar (app id "contract") from a temp run file, with the app side hosted
/// in-process on the app port: the client talks to DevHost exactly as a service does.
/// </summary>
public sealed class DevHostContractFixture : IAsyncLifetime
{
    public const string AppId = "contract";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sidecar-contract-" + Guid.NewGuid().ToString("N"));
    private readonly string _prefix = "sc" + Guid.NewGuid().ToString("N")[..8] + "_";
    private readonly PostgresDatabase _stateDatabase = new("sidecar_contract_state");
    private PlatformHost? _host;
    private WebApplication? _app;

    public SidecarClient Client { get; private set; } = null!;

    public ReceivedEvents Received { get; } = new();

    public async Task InitializeAsync()
    {
        await _stateDatabase.InitializeAsync();
        var appPort = FreeTcpPort.Next();
        var httpPort = FreeTcpPort.Next();
        var grpcPort = FreeTcpPort.Next();
        var components = Path.Combine(_directory, "components");
        Directory.CreateDirectory(components);
        await File.WriteAllTextAsync(Path.Combine(_directory, "dapr.yaml"), $"""
            version: 1
            apps:
              - appID: {AppId}
                appDirPath: .
                appPort: {appPort}
                daprHTTPPort: {httpPort}
                daprGRPCPort: {grpcPort}
                command: ["true"]
                resourcesPaths: ["./components"]
            """);
        await File.WriteAllTextAsync(Path.Combine(components, "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.postgresql
              version: v1
              metadata:
                - name: connectionString
                  value: "{_stateDatabase.ConnectionString}"
            """);
        await File.WriteAllTextAsync(Path.Combine(components, "pubsub.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.in-memory
              version: v1
              metadata: []
            """);
        await File.WriteAllTextAsync(Path.Combine(components, "secretstore.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: secretstore
            spec:
              type: secretstores.local.file
              version: v1
              metadata:
                - name: secretsFile
                  value: ./secrets.json
                - name: nestedSeparator
                  value: ":"
            """);
        await File.WriteAllTextAsync(Path.Combine(_directory, "secrets.json"), """{"jwt":"signing-key","db":{"user":"svc"}}""");

        _app = await StartAppAsync(appPort);
        _host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = Path.Combine(_directory, "dapr.yaml"),
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            StartApps = false,
            DatabasePrefix = _prefix,
        });
        await _host.RefreshSubscriptionsAsync(AppId);
        Client = new SidecarClient(new HttpClient(), new SidecarOptions { HttpEndpoint = new Uri($"http://127.0.0.1:{httpPort}") });
        await Client.WaitForSidecarAsync(TimeSpan.FromSeconds(30));
    }

    private async Task<WebApplication> StartAppAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSingleton(Received);
        builder.Services.AddTopicHandler<ContractEvent, ContractEventHandler>("pubsub", "contract.happened", "/events/contract-happened");
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok());
        app.MapPost("/api/echo", (EchoRequest request, HttpRequest http) =>
            Results.Ok(new { text = request.Text, query = http.QueryString.Value, caller = http.Headers["dapr-caller-app-id"].ToString() }));
        app.MapGet("/api/teapot", () => Results.Problem(title: "short and stout", statusCode: 418));
        app.MapSidecarEndpoints();
        await app.StartAsync();
        return app;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _stateDatabase.DisposeAsync();
        await DropDevHostDatabasesAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp files only; a leftover folder is harmless.
        }
    }

    private async Task DropDevHostDatabasesAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresDatabase.AdminConnectionString);
        await admin.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @p", admin))
        {
            list.Parameters.AddWithValue("p", _prefix + "%");
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
