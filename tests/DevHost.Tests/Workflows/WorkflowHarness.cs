using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace DaprPlatform.DevHost.Tests.Workflows;

/// <summary>
/// A DevHost (StartApps = false) with one sidecar-only app, "wf": its daprGRPCPort serves TaskHubSidecarService, its HTTP port the
/// workflow management API. Tests drive it with a <see cref="ScriptedWorker"/> and the official generated client.
/// </summary>
public sealed class WorkflowHarness : IAsyncDisposable
{
    public const string AppId = "wf";

    private readonly GrpcChannel _channel;

    private WorkflowHarness(TestHost files, int httpPort, int grpcPort, string? apiToken)
    {
        Files = files;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        Invoker = _channel.Intercept(metadata =>
        {
            if (apiToken is not null) { metadata.Add("dapr-api-token", apiToken); }
            return metadata;
        });
        Client = new TaskHubSidecarService.TaskHubSidecarServiceClient(Invoker);
        Sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public TestHost Files { get; }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    /// <summary>Management and worker calls on the app's daprGRPCPort (with the app's API token, if it has one).</summary>
    public TaskHubSidecarService.TaskHubSidecarServiceClient Client { get; }

    /// <summary>The channel under <see cref="Client"/>, for calls the official service does not list.</summary>
    public CallInvoker Invoker { get; }

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

    public ScriptedWorker ConnectWorker() => ScriptedWorker.Connect(Client);

    /// <summary>A unary call to a method of TaskHubSidecarService that the official descriptor does not have.</summary>
    public Task<TResponse> CallUnlistedAsync<TResponse>(string method, TResponse request)
        where TResponse : class, IMessage<TResponse>, new()
    {
        var marshaller = Marshallers.Create<TResponse>(m => m.ToByteArray(), bytes => new MessageParser<TResponse>(() => new TResponse()).ParseFrom(bytes));
        var rpc = new Method<TResponse, TResponse>(MethodType.Unary, "TaskHubSidecarService", method, marshaller, marshaller);
        return Invoker.AsyncUnaryCall(rpc, null, new CallOptions(), request).ResponseAsync;
    }

    public static string NewInstanceId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    public async Task<string> StartAsync(string name, string? input, string? instanceId = null, DateTimeOffset? scheduledStart = null)
    {
        var request = new CreateInstanceRequest { InstanceId = instanceId ?? NewInstanceId(name.ToLowerInvariant()), Name = name, Input = input };
        if (scheduledStart is { } at) { request.ScheduledStartTimestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at); }
        return (await Client.StartInstanceAsync(request)).InstanceId;
    }

    public Task<GetInstanceResponse> GetAsync(string instanceId) =>
        Client.GetInstanceAsync(new GetInstanceRequest { InstanceId = instanceId, GetInputsAndOutputs = true }).ResponseAsync;

    public Task<GetInstanceResponse> WaitForCompletionAsync(string instanceId) =>
        Client.WaitForInstanceCompletionAsync(new GetInstanceRequest { InstanceId = instanceId, GetInputsAndOutputs = true },
            deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;

    public Task RaiseAsync(string instanceId, string name, string? input) =>
        Client.RaiseEventAsync(new RaiseEventRequest { InstanceId = instanceId, Name = name, Input = input }).ResponseAsync;

    /// <summary>Polls GetInstance until the status is <paramref name="status"/> (generous limit; the wait is not the assertion).</summary>
    public Task<GetInstanceResponse> StatusBecomesAsync(string instanceId, OrchestrationStatus status) =>
        Eventually.UntilAsync($"workflow '{instanceId}' to be {status}", _ => GetAsync(instanceId),
            r => r.Exists && r.WorkflowState.WorkflowStatus == status, TimeSpan.FromSeconds(30),
            r => r.Exists ? r.WorkflowState.WorkflowStatus.ToString() : "does not exist");

    public async ValueTask DisposeAsync()
    {
        Sidecar.Dispose();
        _channel.Dispose();
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
