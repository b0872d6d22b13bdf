using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using DaprPlatform.Grpc;
using DaprPlatform.Grpc.Server;
using DaprPlatform.Grpc.TaskHub;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Tests.Workflows;

public sealed record TaskHubCall(string Method, string? ApiToken, string? TraceParent);

/// <summary>
/// An in-test TaskHubSidecarService on an HTTP/2-only Kestrel port: hands out the work items a test queues on the
/// GetWorkItems stream, records every call's metadata and the completions the worker reports.
/// </summary>
public sealed class FakeTaskHub : IAsyncDisposable
{
    private readonly Channel<WorkItem?> _outgoing = Channel.CreateUnbounded<WorkItem?>();
    private WebApplication _app = null!;
    private int _streamsOpened;
    private int _itemsWritten;
    private int _helloRefusals;
    private volatile bool _refuseHello;

    private FakeTaskHub()
    {
    }

    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<TaskHubCall> Calls { get; } = new();

    public ConcurrentQueue<OrchestratorResponse> OrchestratorCompletions { get; } = new();

    public ConcurrentQueue<ActivityResponse> ActivityCompletions { get; } = new();

    public int StreamsOpened => Volatile.Read(ref _streamsOpened);

    public int ItemsWritten => Volatile.Read(ref _itemsWritten);

    /// <summary>While set, Hello answers UNAVAILABLE (a sidecar that stopped responding).</summary>
    public bool RefuseHello
    {
        get => _refuseHello;
        set => _refuseHello = value;
    }

    public int HelloRefusals => Volatile.Read(ref _helloRefusals);

    public static async Task<FakeTaskHub> StartAsync()
    {
        var hub = new FakeTaskHub();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapGrpcUnary(TaskHubMethods.Hello, Empty.Parser, (_, call) =>
        {
            hub.Record(call);
            if (hub.RefuseHello)
            {
                Interlocked.Increment(ref hub._helloRefusals);
                throw new GrpcCallException(GrpcStatusCode.Unavailable, "sidecar is shutting down");
            }

            return Task.FromResult(new Empty());
        });
        app.MapGrpcServerStreaming<GetWorkItemsRequest, WorkItem>(TaskHubMethods.GetWorkItems, GetWorkItemsRequest.Parser, async (_, writer, call) =>
        {
            hub.Record(call);
            Interlocked.Increment(ref hub._streamsOpened);
            await foreach (var item in hub._outgoing.Reader.ReadAllAsync(call.CancellationToken))
            {
                if (item is null) { return; }
                await writer.WriteAsync(item, call.CancellationToken);
                Interlocked.Increment(ref hub._itemsWritten);
            }
        });
        app.MapGrpcUnary(TaskHubMethods.CompleteActivityTask, ActivityResponse.Parser, (response, call) =>
        {
            hub.Record(call);
            hub.ActivityCompletions.Enqueue(response);
            return Task.FromResult(new CompleteTaskResponse());
        });
        app.MapGrpcUnary(TaskHubMethods.CompleteOrchestratorTask, OrchestratorResponse.Parser, (response, call) =>
        {
            hub.Record(call);
            hub.OrchestratorCompletions.Enqueue(response);
            return Task.FromResult(new CompleteTaskResponse());
        });
        app.MapGrpcUnimplemented();
        await app.StartAsync();
        hub._app = app;
        hub.Address = new Uri(app.Urls.Single());
        return hub;
    }

    public void Send(WorkItem item) => _outgoing.Writer.TryWrite(item);

    /// <summary>Ends the current GetWorkItems stream (status OK), as a sidecar restart or a network drop would.</summary>
    public void EndStream() => _outgoing.Writer.TryWrite(null);

    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Record(GrpcServerCallContext call) =>
        Calls.Enqueue(new TaskHubCall(call.Method, call.GetMetadata("dapr-api-token"), call.GetMetadata("traceparent")));
}
