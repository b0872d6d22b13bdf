using System.Globalization;
using System.Net;
using DaprPlatform.DevHost.Sidecar;
using DaprPlatform.Grpc;
using DaprPlatform.Grpc.Server;
using DaprPlatform.Grpc.TaskHub;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// <c>TaskHubSidecarService</c> on an app's daprGRPCPort (cleartext HTTP/2 only, like daprd's gRPC API port). Every stream and call
/// is bound to that app, as a worker's connection to its own daprd is; no metadata beyond <c>dapr-api-token</c> is required.
/// </summary>
internal static class TaskHubEndpoints
{
    /// <summary>Dapr 1.18's name for CompleteOrchestratorTask (same message, renamed WorkflowResponse); newer SDKs call it.</summary>
    private const string CompleteWorkflowTask = "/" + TaskHubMethods.Service + "/CompleteWorkflowTask";

    public static WebApplication BuildListener(SidecarRuntime sidecar, WorkflowEngine engine, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(PlatformHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, HostOwnedLifetime>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            // h2c with prior knowledge, as gRPC clients speak to daprd's port 50001.
            k.Listen(IPAddress.Loopback, sidecar.App.DaprGrpcPort, l => l.Protocols = HttpProtocols.Http2);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        if (sidecar.ApiToken is { } token)
        {
            // DAPR_API_TOKEN guards the gRPC API too: a call without the right dapr-api-token ends UNAUTHENTICATED.
            app.Use(async (ctx, next) =>
            {
                if (ctx.Request.Headers["dapr-api-token"].ToString() != token)
                {
                    ctx.Response.StatusCode = StatusCodes.Status200OK;
                    ctx.Response.ContentType = GrpcFrames.ContentType;
                    ctx.Response.Headers[GrpcMetadata.Status] = ((int)GrpcStatusCode.Unauthenticated).ToString(CultureInfo.InvariantCulture);
                    ctx.Response.Headers[GrpcMetadata.Message] = GrpcMetadata.EncodeMessage("authentication error: api token mismatch");
                    return;
                }

                await next(ctx);
            });
        }

        Map(app, sidecar.AppId, engine);
        return app;
    }

    private static void Map(IEndpointRouteBuilder endpoints, string appId, WorkflowEngine engine)
    {
        endpoints.MapGrpcUnary<Empty, Empty>(TaskHubMethods.Hello, Empty.Parser, (_, _) => Task.FromResult(new Empty()));
        Unary(endpoints, TaskHubMethods.StartInstance, CreateInstanceRequest.Parser, async (request, ct) =>
            new CreateInstanceResponse { InstanceId = await engine.StartAsync(appId, request, ct) });
        Unary(endpoints, TaskHubMethods.GetInstance, GetInstanceRequest.Parser, async (request, ct) =>
            Describe(await engine.GetAsync(appId, request.InstanceId, ct), request.GetInputsAndOutputs));
        Unary(endpoints, TaskHubMethods.WaitForInstanceStart, GetInstanceRequest.Parser, async (request, ct) =>
            Describe(await engine.WaitAsync(appId, request.InstanceId, r => r.Status != OrchestrationStatus.Pending, ct), request.GetInputsAndOutputs));
        Unary(endpoints, TaskHubMethods.WaitForInstanceCompletion, GetInstanceRequest.Parser, async (request, ct) =>
            Describe(await engine.WaitAsync(appId, request.InstanceId, r => r.IsCompleted, ct), request.GetInputsAndOutputs));
        Unary(endpoints, TaskHubMethods.RaiseEvent, RaiseEventRequest.Parser, async (request, ct) =>
        {
            await engine.RaiseEventAsync(appId, request.InstanceId, request.Name, request.Input, ct);
            return new RaiseEventResponse();
        });
        Unary(endpoints, TaskHubMethods.TerminateInstance, TerminateRequest.Parser, async (request, ct) =>
        {
            // Like durabletask-go's TerminateInstance, the call returns once the workflow has ended (or its deadline passes).
            await engine.TerminateAsync(appId, request.InstanceId, request.Output, request.Recursive, ct);
            await engine.WaitAsync(appId, request.InstanceId, r => r.IsCompleted, ct);
            return new TerminateResponse();
        });
        Unary(endpoints, TaskHubMethods.SuspendInstance, SuspendRequest.Parser, async (request, ct) =>
        {
            await engine.SuspendAsync(appId, request.InstanceId, ct);
            return new SuspendResponse();
        });
        Unary(endpoints, TaskHubMethods.ResumeInstance, ResumeRequest.Parser, async (request, ct) =>
        {
            await engine.ResumeAsync(appId, request.InstanceId, ct);
            return new ResumeResponse();
        });
        Unary(endpoints, TaskHubMethods.PurgeInstances, PurgeInstancesRequest.Parser, async (request, ct) =>
        {
            var deleted = request.RequestCase switch
            {
                PurgeInstancesRequest.RequestOneofCase.InstanceId => await engine.PurgeAsync(appId, request.InstanceId, request.Recursive, request.Force, ct),

                // durabletask-go (which daprd serves) refuses filtered purges the same way.
                PurgeInstancesRequest.RequestOneofCase.PurgeInstanceFilter => throw new GrpcCallException(GrpcStatusCode.Unknown, "multi-instance purge is not implemented"),
                _ => throw new GrpcCallException(GrpcStatusCode.InvalidArgument, "no instance ID was provided"),
            };
            return new PurgeInstancesResponse { DeletedInstanceCount = deleted, IsComplete = true };
        });
        endpoints.MapGrpcServerStreaming<GetWorkItemsRequest, WorkItem>(TaskHubMethods.GetWorkItems, GetWorkItemsRequest.Parser,
            (_, stream, call) => engine.ServeWorkerAsync(appId, stream, call.CancellationToken));
        foreach (var method in new[] { TaskHubMethods.CompleteOrchestratorTask, CompleteWorkflowTask })
        {
            Unary(endpoints, method, OrchestratorResponse.Parser, async (response, ct) =>
            {
                await engine.CompleteOrchestratorTaskAsync(appId, response, ct);
                return new CompleteTaskResponse();
            });
        }
        Unary(endpoints, TaskHubMethods.CompleteActivityTask, ActivityResponse.Parser, async (response, ct) =>
        {
            await engine.CompleteActivityTaskAsync(appId, response, ct);
            return new CompleteTaskResponse();
        });
        endpoints.MapGrpcUnimplemented();
    }

    private static void Unary<TRequest, TResponse>(IEndpointRouteBuilder endpoints, string method, MessageParser<TRequest> parser,
        Func<TRequest, CancellationToken, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage
    {
        endpoints.MapGrpcUnary<TRequest, TResponse>(method, parser, async (request, call) =>
        {
            try
            {
                return await handler(request, call.CancellationToken);
            }
            catch (WorkflowOperationException ex)
            {
                throw new GrpcCallException(ex.Kind switch
                {
                    WorkflowErrorKind.NotFound => GrpcStatusCode.NotFound,
                    WorkflowErrorKind.AlreadyExists => GrpcStatusCode.AlreadyExists,
                    WorkflowErrorKind.NotCompleted => GrpcStatusCode.FailedPrecondition,
                    _ => GrpcStatusCode.InvalidArgument,
                }, ex.Message);
            }
        });
    }

    /// <summary>GetInstanceResponse: exists = false for an unknown id; input, output, custom status and failure only when asked for (durabletask-go's rule).</summary>
    private static GetInstanceResponse Describe(WorkflowInstanceRow? row, bool withPayloads)
    {
        if (row is null) { return new GetInstanceResponse { Exists = false }; }
        var state = new OrchestrationState
        {
            InstanceId = row.InstanceId,
            Name = row.Name,
            OrchestrationStatus = row.Status,
            CreatedTimestamp = Timestamp.FromDateTimeOffset(row.CreatedAt),
            LastUpdatedTimestamp = Timestamp.FromDateTimeOffset(row.LastUpdatedAt),
            ExecutionId = row.ExecutionId,
            ParentInstanceId = row.ParentInstanceId,
        };
        if (row.ScheduledStart is { } start) { state.ScheduledStartTimestamp = Timestamp.FromDateTimeOffset(start); }
        if (row.CompletedAt is { } completed) { state.CompletedTimestamp = Timestamp.FromDateTimeOffset(completed); }
        if (withPayloads)
        {
            state.Input = row.Input;
            state.Output = row.Output;
            state.CustomStatus = row.CustomStatus;
            state.FailureDetails = row.Failure;
        }

        return new GetInstanceResponse { Exists = true, OrchestrationState = state };
    }
}
