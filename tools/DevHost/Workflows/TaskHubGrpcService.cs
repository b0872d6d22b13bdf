using DaprPlatform.DevHost.Grpc;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace DaprPlatform.DevHost.Workflows;

/// <summary>
/// <c>TaskHubSidecarService</c> on an app's daprGRPCPort, next to the runtime service. Every stream and call is bound to that
/// app, as a worker's connection to its own daprd is; no metadata beyond <c>dapr-api-token</c> is required.
/// </summary>
internal sealed class TaskHubGrpcService(string appId, WorkflowEngine engine)
{
    public const string ServiceName = "TaskHubSidecarService";

    public async Task<CreateInstanceResponse> StartInstance(CreateInstanceRequest request, ServerCallContext context)
        => new() { InstanceId = await Run(() => engine.StartAsync(appId, request, context.CancellationToken)) };

    public async Task<GetInstanceResponse> GetInstance(GetInstanceRequest request, ServerCallContext context)
        => Describe(await engine.GetAsync(appId, request.InstanceId, context.CancellationToken), request.GetInputsAndOutputs);

    public async Task<GetInstanceResponse> WaitForInstanceStart(GetInstanceRequest request, ServerCallContext context)
        => Describe(await Run(() => engine.WaitAsync(appId, request.InstanceId, r => r.Status != OrchestrationStatus.Pending, context.CancellationToken)), request.GetInputsAndOutputs);

    public async Task<GetInstanceResponse> WaitForInstanceCompletion(GetInstanceRequest request, ServerCallContext context)
        => Describe(await Run(() => engine.WaitAsync(appId, request.InstanceId, r => r.IsCompleted, context.CancellationToken)), request.GetInputsAndOutputs);

    public async Task<RaiseEventResponse> RaiseEvent(RaiseEventRequest request, ServerCallContext context)
    {
        await Run(() => engine.RaiseEventAsync(appId, request.InstanceId, request.Name, request.Input, context.CancellationToken));
        return new RaiseEventResponse();
    }

    public async Task<TerminateResponse> TerminateInstance(TerminateRequest request, ServerCallContext context)
    {
        // Like durabletask-go's TerminateInstance, the call returns once the workflow has ended (or its deadline passes).
        await Run(() => engine.TerminateAsync(appId, request.InstanceId, request.Output, request.Recursive, context.CancellationToken));
        await Run(() => engine.WaitAsync(appId, request.InstanceId, r => r.IsCompleted, context.CancellationToken));
        return new TerminateResponse();
    }

    public async Task<SuspendResponse> SuspendInstance(SuspendRequest request, ServerCallContext context)
    {
        await Run(() => engine.SuspendAsync(appId, request.InstanceId, context.CancellationToken));
        return new SuspendResponse();
    }

    public async Task<ResumeResponse> ResumeInstance(ResumeRequest request, ServerCallContext context)
    {
        await Run(() => engine.ResumeAsync(appId, request.InstanceId, context.CancellationToken));
        return new ResumeResponse();
    }

    public async Task<PurgeInstancesResponse> PurgeInstances(PurgeInstancesRequest request, ServerCallContext context)
    {
        var deleted = request.RequestCase switch
        {
            // durabletask-go's recursive purge (what the SDK sends) first reads the instance and fails with plain errors
            // ("no such instance exists", "orchestration has not yet completed") wrapped by the executor, i.e. UNKNOWN
            // (backend/backend.go purgeWorkflowState, backend/executor.go PurgeInstances).
            PurgeInstancesRequest.RequestOneofCase.InstanceId when request.Recursive => await RecursivePurgeAsync(request, context.CancellationToken),
            PurgeInstancesRequest.RequestOneofCase.InstanceId => await Run(() => engine.PurgeAsync(appId, request.InstanceId, request.Recursive, request.Force, context.CancellationToken)),

            // durabletask-go (which daprd serves) refuses filtered purges the same way.
            PurgeInstancesRequest.RequestOneofCase.PurgeInstanceFilter => throw new RpcException(new Status(StatusCode.Unknown, "multi-instance purge is not implemented")),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "no instance ID was provided")),
        };
        return new PurgeInstancesResponse { DeletedInstanceCount = deleted, IsComplete = true };
    }

    private async Task<int> RecursivePurgeAsync(PurgeInstancesRequest request, CancellationToken ct)
    {
        try
        {
            return await engine.PurgeAsync(appId, request.InstanceId, recursive: true, request.Force, ct);
        }
        catch (WorkflowOperationException ex) when (ex.Kind is WorkflowErrorKind.NotFound or WorkflowErrorKind.NotCompleted)
        {
            var why = ex.Kind == WorkflowErrorKind.NotFound ? "failed to fetch workflow state: no such instance exists" : "orchestration has not yet completed";
            throw new RpcException(new Status(StatusCode.Unknown, "failed to purge workflow state: " + why));
        }
    }

    /// <summary>Like durabletask-go's executor, the call returns once the new instance has started.</summary>
    public async Task<RerunWorkflowFromEventResponse> RerunWorkflowFromEvent(RerunWorkflowFromEventRequest request, ServerCallContext context)
    {
        var id = await Run(() => engine.RerunAsync(appId, request, context.CancellationToken));
        await Run(() => engine.WaitAsync(appId, id, r => r.Status != OrchestrationStatus.Pending, context.CancellationToken));
        return new RerunWorkflowFromEventResponse { NewInstanceID = id };
    }

    /// <summary>The app's instance ids a page at a time (daprd lists its actor state store's workflow metadata keys).</summary>
    public async Task<ListInstanceIDsResponse> ListInstanceIDs(ListInstanceIDsRequest request, ServerCallContext context)
    {
        var (ids, next) = await engine.ListInstanceIdsAsync(appId, request.HasContinuationToken ? request.ContinuationToken : null,
            request.HasPageSize ? request.PageSize : null, context.CancellationToken);
        var response = new ListInstanceIDsResponse();
        response.InstanceIds.Add(ids);
        if (next is not null) { response.ContinuationToken = next; }
        return response;
    }

    /// <summary>The instance's stored history; an unknown instance is NOT_FOUND, as in daprd's actors backend.</summary>
    public async Task<GetInstanceHistoryResponse> GetInstanceHistory(GetInstanceHistoryRequest request, ServerCallContext context)
    {
        if (await engine.GetAsync(appId, request.InstanceId, context.CancellationToken) is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"workflow instance '{request.InstanceId}' not found"));
        }

        var response = new GetInstanceHistoryResponse();
        response.Events.Add(await engine.HistoryAsync(appId, request.InstanceId, context.CancellationToken));
        return response;
    }

    public Task GetWorkItems(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> stream, ServerCallContext context)
        => engine.ServeWorkerAsync(appId, stream, context.CancellationToken);

    public async Task<CompleteTaskResponse> CompleteOrchestratorTask(WorkflowResponse response, ServerCallContext context)
    {
        await Run(() => engine.CompleteOrchestratorTaskAsync(appId, response, context.CancellationToken));
        return new CompleteTaskResponse();
    }

    public async Task<CompleteTaskResponse> CompleteActivityTask(ActivityResponse response, ServerCallContext context)
    {
        await Run(() => engine.CompleteActivityTaskAsync(appId, response, context.CancellationToken));
        return new CompleteTaskResponse();
    }

    private static async Task Run(Func<Task> call) => await Run(async () => { await call(); return true; });

    private static async Task<T> Run<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (WorkflowOperationException ex)
        {
            throw new RpcException(new Status(ex.Kind switch
            {
                WorkflowErrorKind.NotFound => StatusCode.NotFound,
                WorkflowErrorKind.AlreadyExists => StatusCode.AlreadyExists,
                WorkflowErrorKind.NotCompleted => StatusCode.FailedPrecondition,
                _ => StatusCode.InvalidArgument,
            }, ex.Message));
        }
    }

    /// <summary>GetInstanceResponse: exists = false for an unknown id; input, output, custom status and failure only when asked for (durabletask-go's rule).</summary>
    private static GetInstanceResponse Describe(WorkflowInstanceRow? row, bool withPayloads)
    {
        if (row is null) { return new GetInstanceResponse { Exists = false }; }
        var state = new WorkflowState
        {
            InstanceId = row.InstanceId,
            Name = row.Name,
            WorkflowStatus = row.Status,
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

        return new GetInstanceResponse { Exists = true, WorkflowState = state };
    }

    /// <summary>Binds the rpcs above to TaskHubSidecarService (no proto package: paths are /TaskHubSidecarService/&lt;Rpc&gt;).</summary>
    public sealed class Binder : IServiceMethodProvider<TaskHubGrpcService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TaskHubGrpcService> context)
        {
            Unary<Empty, Empty>(context, "Hello", (_, _, _) => Task.FromResult(new Empty()));
            Unary<CreateInstanceRequest, CreateInstanceResponse>(context, "StartInstance", (s, r, c) => s.StartInstance(r, c));
            Unary<GetInstanceRequest, GetInstanceResponse>(context, "GetInstance", (s, r, c) => s.GetInstance(r, c));
            Unary<GetInstanceRequest, GetInstanceResponse>(context, "WaitForInstanceStart", (s, r, c) => s.WaitForInstanceStart(r, c));
            Unary<GetInstanceRequest, GetInstanceResponse>(context, "WaitForInstanceCompletion", (s, r, c) => s.WaitForInstanceCompletion(r, c));
            Unary<RaiseEventRequest, RaiseEventResponse>(context, "RaiseEvent", (s, r, c) => s.RaiseEvent(r, c));
            Unary<TerminateRequest, TerminateResponse>(context, "TerminateInstance", (s, r, c) => s.TerminateInstance(r, c));
            Unary<SuspendRequest, SuspendResponse>(context, "SuspendInstance", (s, r, c) => s.SuspendInstance(r, c));
            Unary<ResumeRequest, ResumeResponse>(context, "ResumeInstance", (s, r, c) => s.ResumeInstance(r, c));
            Unary<PurgeInstancesRequest, PurgeInstancesResponse>(context, "PurgeInstances", (s, r, c) => s.PurgeInstances(r, c));
            context.AddServerStreamingMethod(
                GrpcMethods.Create<GetWorkItemsRequest, WorkItem>(MethodType.ServerStreaming, ServiceName, "GetWorkItems"), [], (s, r, stream, c) => s.GetWorkItems(r, stream, c));

            // Dapr 1.18 renamed CompleteOrchestratorTask to CompleteWorkflowTask (same message); newer SDKs call the new name.
            Unary<WorkflowResponse, CompleteTaskResponse>(context, "CompleteOrchestratorTask", (s, r, c) => s.CompleteOrchestratorTask(r, c));
            Unary<WorkflowResponse, CompleteTaskResponse>(context, "CompleteWorkflowTask", (s, r, c) => s.CompleteOrchestratorTask(r, c));
            Unary<ActivityResponse, CompleteTaskResponse>(context, "CompleteActivityTask", (s, r, c) => s.CompleteActivityTask(r, c));
            Unary<RerunWorkflowFromEventRequest, RerunWorkflowFromEventResponse>(context, "RerunWorkflowFromEvent", (s, r, c) => s.RerunWorkflowFromEvent(r, c));
            Unary<ListInstanceIDsRequest, ListInstanceIDsResponse>(context, "ListInstanceIDs", (s, r, c) => s.ListInstanceIDs(r, c));
            Unary<GetInstanceHistoryRequest, GetInstanceHistoryResponse>(context, "GetInstanceHistory", (s, r, c) => s.GetInstanceHistory(r, c));
        }

        private static void Unary<TRequest, TResponse>(ServiceMethodProviderContext<TaskHubGrpcService> context, string name, UnaryServerMethod<TaskHubGrpcService, TRequest, TResponse> invoker)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new()
            => context.AddUnaryMethod(GrpcMethods.Create<TRequest, TResponse>(MethodType.Unary, ServiceName, name), [], invoker);
    }
}
