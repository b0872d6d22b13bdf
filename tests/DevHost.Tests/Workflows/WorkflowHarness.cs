using DaprPlatform.Grpc.Client;
using DaprPlatform.Grpc.TaskHub;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>
/// A DevHost (StartApps = false) with one sidecar-only app, "wf": its daprGRPCPort serves TaskHubSidecarService, its HTTP port the
/// workflow management API. Tests drive it with a <see cref="ScriptedWorker"/> and raw gRPC calls.
/// </summary>
public sealed class WorkflowHarness : IAsyncDisposable
{
    public const string AppId = "wf";

    private readonly HttpClient _grpcHttp;

    private WorkflowHarness(TestHost files, int httpPort, int grpcPort, string? apiToken)
    {
        Files = files;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        var metadata = apiToken is null ? [] : new[] { KeyValuePair.Create("dapr-api-token", apiToken) };
        _grpcHttp = GrpcClient.CreateHttpClient(new Uri($"http://127.0.0.1:{grpcPort}"));
        Grpc = new GrpcClient(_grpcHttp, new GrpcClientOptions { Metadata = metadata });
        Sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public TestHost Files { get; }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    /// <summary>Management and worker calls on the app's daprGRPCPort.</summary>
    public GrpcClient Grpc { get; }

    /// <summary>The app's sidecar HTTP port.</summary>
    public HttpClient Sidecar { get; }

    /// <param name="apiToken">When set, the app's DAPR_API_TOKEN; the harness's own gRPC client sends it.</param>
    public static async Task<WorkflowHarness> StartAsync(string? apiToken = null)
    {
        var httpPort = FreeTcpPort.Next();
        var grpcPort = FreeTcpPort.Next();
        var app = new RunFileApp(AppId, httpPort)
        {
            AppDirPath = "./" + AppId,
            DaprGrpcPort = grpcPort,
            Env = apiToken is null ? [] : [KeyValuePair.Create("DAPR_API_TOKEN", apiToken)],
        };
        var files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = TemporaryRunFile.Render([app]),
            [AppId + "/.keep"] = "",
            ["components/.keep"] = "",
        });
        var harness = new WorkflowHarness(files, httpPort, grpcPort, apiToken);
        try
        {
            await files.StartAsync();
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    public ScriptedWorker ConnectWorker() => ScriptedWorker.Connect(Grpc);

    public static string NewInstanceId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    public async Task<string> StartAsync(string name, string? input, string? instanceId = null, DateTimeOffset? scheduledStart = null)
    {
        var request = new CreateInstanceRequest { InstanceId = instanceId ?? NewInstanceId(name.ToLowerInvariant()), Name = name, Input = input };
        if (scheduledStart is { } at) { request.ScheduledStartTimestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at); }
        return (await Grpc.UnaryAsync(TaskHubMethods.StartInstance, request, CreateInstanceResponse.Parser)).InstanceId;
    }

    public Task<GetInstanceResponse> GetAsync(string instanceId) =>
        Grpc.UnaryAsync(TaskHubMethods.GetInstance, new GetInstanceRequest { InstanceId = instanceId, GetInputsAndOutputs = true }, GetInstanceResponse.Parser);

    public Task<GetInstanceResponse> WaitForCompletionAsync(string instanceId) =>
        Grpc.UnaryAsync(TaskHubMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = instanceId, GetInputsAndOutputs = true },
            GetInstanceResponse.Parser, new GrpcCallOptions { Deadline = TimeSpan.FromSeconds(30) });

    public Task RaiseAsync(string instanceId, string name, string? input) =>
        Grpc.UnaryAsync(TaskHubMethods.RaiseEvent, new RaiseEventRequest { InstanceId = instanceId, Name = name, Input = input }, RaiseEventResponse.Parser);

    /// <summary>Polls GetInstance until the status is <paramref name="status"/> (generous limit; the wait is not the assertion).</summary>
    public Task<GetInstanceResponse> StatusBecomesAsync(string instanceId, OrchestrationStatus status) =>
        Eventually.UntilAsync($"workflow '{instanceId}' to be {status}", _ => GetAsync(instanceId),
            r => r.Exists && r.OrchestrationState.OrchestrationStatus == status, TimeSpan.FromSeconds(30),
            r => r.Exists ? r.OrchestrationState.OrchestrationStatus.ToString() : "does not exist");

    public async ValueTask DisposeAsync()
    {
        Sidecar.Dispose();
        _grpcHttp.Dispose();
        await Files.DisposeAsync();
    }
}

/// <summary>One harness per test class (the tests of a class run one after another, each with its own instance ids and worker).</summary>
public sealed class WorkflowFixture : IAsyncLifetime
{
    public WorkflowHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await WorkflowHarness.StartAsync();

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
