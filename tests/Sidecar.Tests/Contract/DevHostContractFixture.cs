using System.Collections.Concurrent;
using DaprPlatform.DevHost;
using DaprPlatform.Sidecar.Subscriptions;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

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

    private readonly string _prefix = "sc" + Guid.NewGuid().ToString("N")[..8] + "_";
    private readonly PostgresDatabase _stateDatabase = new("sidecar_contract_state");
    private PlatformHost? _host;
    private LoopbackApp? _app;
    private TemporaryRunFile? _runFile;

    public SidecarClient Client { get; private set; } = null!;

    public ReceivedEvents Received { get; } = new();

    public async Task InitializeAsync()
    {
        await _stateDatabase.InitializeAsync();
        var appPort = FreeTcpPort.Next();
        var httpPort = FreeTcpPort.Next();
        var grpcPort = FreeTcpPort.Next();
        _runFile = TemporaryRunFile.Create("sidecar-contract-", [new RunFileApp(AppId, httpPort, appPort) { DaprGrpcPort = grpcPort }])
            .WithComponent("statestore.yaml", ComponentYaml.PostgresStateStore(_stateDatabase.ConnectionString))
            .WithComponent("pubsub.yaml", """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: pubsub
                spec:
                  type: pubsub.in-memory
                  version: v1
                  metadata: []
                """)
            .WithComponent("secretstore.yaml", ComponentYaml.LocalFileSecretStore("./secrets.json", nestedSeparator: ":"))
            .WithFile("secrets.json", """{"jwt":"signing-key","db":{"user":"svc"}}""");

        _app = await StartAppAsync(appPort);
        _host = await PlatformHost.StartAsync(new DevHostOptions
        {
            RunFilePath = _runFile.RunFilePath,
            PostgresConnectionString = PostgresDatabase.AdminConnectionString,
            StartApps = false,
            DatabasePrefix = _prefix,
        });
        await _host.RefreshSubscriptionsAsync(AppId);
        Client = new SidecarClient(new HttpClient(), new SidecarOptions { HttpEndpoint = new Uri($"http://127.0.0.1:{httpPort}") });
        await Client.WaitForSidecarAsync(TimeSpan.FromSeconds(30));
    }

    private Task<LoopbackApp> StartAppAsync(int port) => LoopbackApp.StartAsync(
        app =>
        {
            app.MapGet("/healthz", () => Results.Ok());
            app.MapPost("/api/echo", (EchoRequest request, HttpRequest http) =>
                Results.Ok(new { text = request.Text, query = http.QueryString.Value, caller = http.Headers["dapr-caller-app-id"].ToString() }));
            app.MapGet("/api/teapot", () => Results.Problem(title: "short and stout", statusCode: 418));
            app.MapSidecarEndpoints();
        },
        port,
        builder =>
        {
            builder.Services.AddSingleton(Received);
            builder.Services.AddTopicHandler<ContractEvent, ContractEventHandler>("pubsub", "contract.happened", "/events/contract-happened");
        });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _stateDatabase.DisposeAsync();
        await PostgresDatabase.DropAllWithPrefixAsync(_prefix);
        _runFile?.Dispose();
    }
}
