using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using DaprPlatform.DevHost.PubSub;
using DaprPlatform.DevHost.Secrets;
using DaprPlatform.DevHost.Sidecar;
using DaprPlatform.DevHost.State;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using StateItemDelete = DaprPlatform.DevHost.State.StateItemDelete;
using WireStateItem = Dapr.Client.Autogen.Grpc.v1.StateItem;

namespace DaprPlatform.DevHost.Grpc;

/// <summary>
/// dapr.proto.runtime.v1.Dapr on an app's daprGRPCPort: the rpcs the official SDKs call, each a thin mapping onto the same
/// building-block API the HTTP listener uses. Rpcs not bound here answer UNIMPLEMENTED, as daprd does for an API it lacks.
/// </summary>
internal sealed class RuntimeGrpcService(SidecarRuntime sidecar, Platform platform, Actors.ActorRuntime? actors, Func<string, Task> shutdownApp, Workflows.WorkflowApi workflows)
{
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    private readonly StateApi _state = new(sidecar);
    private readonly PublishApi _publish = new(sidecar, platform);
    private readonly SecretsApi _secrets = new(sidecar);
    private readonly InvocationApi _invocation = new(sidecar, platform);

    public async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        var state = await _state.GetAsync(request.StoreName, request.Key, context.CancellationToken);
        var response = new GetStateResponse();
        if (state is null) { return response; }
        response.Data = ByteString.CopyFrom(state.Bytes);
        response.Etag = state.ETag;
        AddExpiry(response.Metadata, state);
        return response;
    }

    public async Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context)
    {
        var entries = await _state.GetBulkAsync(request.StoreName, request.Keys, context.CancellationToken);
        var response = new GetBulkStateResponse();
        foreach (var entry in entries)
        {
            var item = new BulkStateItem { Key = entry.Key };
            if (entry.State is { } state)
            {
                item.Data = ByteString.CopyFrom(state.Bytes);
                item.Etag = state.ETag;
                AddExpiry(item.Metadata, state);
            }

            response.Items.Add(item);
        }

        return response;
    }

    public async Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        await _state.SaveAsync(request.StoreName, request.States.Select(s => ToItem(s, jsonWhenDeclared: true)).ToList(), context.CancellationToken);
        return new Empty();
    }

    public async Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
    {
        await _state.DeleteAsync(request.StoreName, new StateItemDelete(request.Key, request.Etag?.Value, IsFirstWrite(request.Options)), context.CancellationToken);
        return new Empty();
    }

    public async Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext context)
    {
        await _state.DeleteBulkAsync(request.StoreName, request.States.Select(ToDelete).ToList(), context.CancellationToken);
        return new Empty();
    }

    public async Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        _state.EnsureStore(request.StoreName);
        var operations = new List<object>();
        foreach (var op in request.Operations)
        {
            operations.Add(op.OperationType switch
            {
                // daprd hands a transactional upsert's value to the store as bytes, whatever its contentType.
                "upsert" => ToItem(op.Request, jsonWhenDeclared: false),
                "delete" => ToDelete(op.Request),
                _ => throw new DaprApiException("ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {op.OperationType} not supported", 500, StatusCode.Unimplemented),
            });
        }

        await _state.TransactAsync(request.StoreName, operations, context.CancellationToken);
        return new Empty();
    }

    public async Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        await _publish.PublishAsync(request.PubsubName, request.Topic, request.Data.ToByteArray(), request.DataContentType, request.Metadata, Trace(context), context.CancellationToken);
        return new Empty();
    }

    public async Task<BulkPublishResponse> BulkPublishEvent(BulkPublishRequest request, ServerCallContext context)
    {
        var entries = request.Entries.Select(e => new PublishEntry(e.EntryId, e.Event.ToByteArray(), e.ContentType, e.Metadata)).ToList();
        var failed = await _publish.BulkPublishAsync(request.PubsubName, request.Topic, entries, request.Metadata, Trace(context), context.CancellationToken);
        var response = new BulkPublishResponse();
        response.FailedEntries.AddRange(failed.Select(f => new BulkPublishResponseFailedEntry { EntryId = f.EntryId, Error = f.Error }));
        return response;
    }

    public Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context)
    {
        var response = new GetSecretResponse();
        foreach (var (k, v) in _secrets.Get(request.StoreName, request.Key)) { response.Data[k] = v; }
        return Task.FromResult(response);
    }

    public Task<GetBulkSecretResponse> GetBulkSecret(GetBulkSecretRequest request, ServerCallContext context)
    {
        var response = new GetBulkSecretResponse();
        foreach (var (name, values) in _secrets.GetBulk(request.StoreName))
        {
            var secret = new SecretResponse();
            foreach (var (k, v) in values) { secret.Secrets[k] = v; }
            response.Data[name] = secret;
        }

        return Task.FromResult(response);
    }

    public Task<GetMetadataResponse> GetMetadata(GetMetadataRequest request, ServerCallContext context)
    {
        var m = HealthAndMetadataEndpoints.Describe(sidecar, actors);
        var response = new GetMetadataResponse
        {
            Id = m.Id,
            RuntimeVersion = m.RuntimeVersion,
            AppConnectionProperties = new AppConnectionProperties
            {
                Port = m.AppConnectionProperties.Port,
                Protocol = m.AppConnectionProperties.Protocol,
                ChannelAddress = m.AppConnectionProperties.ChannelAddress,
                Health = m.AppConnectionProperties.Health is { } health
                    ? new AppConnectionHealthProperties
                    {
                        HealthCheckPath = health.HealthCheckPath,
                        HealthProbeInterval = health.HealthProbeInterval,
                        HealthProbeTimeout = health.HealthProbeTimeout,
                        HealthThreshold = health.HealthThreshold,
                    }
                    : null,
            },
        };
        response.EnabledFeatures.AddRange(m.EnabledFeatures);
        // actor_runtime replaced the deprecated active_actors_count; the SDK reads ActorRuntime.ActiveActors.
        response.ActorRuntime = new ActorRuntime
        {
            RuntimeStatus = actors is null ? ActorRuntime.Types.ActorRuntimeStatus.Disabled : ActorRuntime.Types.ActorRuntimeStatus.Running,
            HostReady = actors is not null,
            Placement = actors is null ? "" : "placement: connected (DevHost, in process)",
        };
        response.ActorRuntime.ActiveActors.AddRange(m.Actors.Select(a => new ActiveActorsCount { Type = a.Type, Count = a.Count }));
        response.RegisteredComponents.AddRange(m.Components.Select(c =>
        {
            var component = new RegisteredComponents { Name = c.Name, Type = c.Type, Version = c.Version };
            component.Capabilities.AddRange(c.Capabilities);
            return component;
        }));
        foreach (var (k, v) in m.Extended) { response.ExtendedMetadata[k] = v; }
        response.Subscriptions.AddRange(m.Subscriptions.Select(s =>
        {
            var subscription = new PubsubSubscription
            {
                PubsubName = s.PubsubName,
                Topic = s.Topic,
                DeadLetterTopic = s.DeadLetterTopic,
                Rules = new PubsubSubscriptionRules(),
                Type = s.Type == "DECLARATIVE" ? PubsubSubscriptionType.Declarative : PubsubSubscriptionType.Programmatic,
            };
            foreach (var (k, v) in s.Metadata) { subscription.Metadata[k] = v; }
            subscription.Rules.Rules.AddRange(s.Rules.Select(r => new PubsubSubscriptionRule { Match = r.Match, Path = r.Path }));
            return subscription;
        }));
        return Task.FromResult(response);
    }

    public Task<Empty> SetMetadata(SetMetadataRequest request, ServerCallContext context)
    {
        sidecar.Extended[request.Key] = request.Value;
        return Task.FromResult(new Empty());
    }

    /// <summary>
    /// The deprecated InvokeService rpc (the SDK's [Obsolete] InvokeMethodGrpcAsync) to an HTTP app, as daprd does it: the
    /// HTTP extension gives verb and query, the Any's bytes are the body, a non-2xx answer becomes the gRPC code daprd maps it
    /// to (pkg/messaging/v1/util.go CodeFromHTTPStatus) with the HTTP status in dapr-http-status.
    /// </summary>
    public async Task<Dapr.Client.Autogen.Grpc.v1.InvokeResponse> InvokeService(InvokeServiceRequest request, ServerCallContext context)
    {
        var message = request.Message ?? new InvokeRequest();
        var verb = message.HttpExtension?.Verb is { } v && v != HTTPExtension.Types.Verb.None ? v.ToString().ToUpperInvariant() : "POST";
        var query = message.HttpExtension?.Querystring is { Length: > 0 } q ? "?" + q : "";
        var route = _invocation.Resolve(request.Id, message.Method.TrimStart('/') + query);
        var body = message.Data?.Value.ToByteArray() ?? [];
        var traceparent = context.RequestHeaders.GetValue("traceparent") ?? CloudEvents.NewTraceParent();
        using var response = await _invocation.SendAsync(route, replayable: true, () =>
        {
            var http = new HttpRequestMessage(new HttpMethod(verb), route.Uri);
            if (verb is not ("GET" or "HEAD" or "DELETE") || body.Length > 0)
            {
                http.Content = new ByteArrayContent(body);
                if (message.ContentType is { Length: > 0 } contentType) { http.Content.Headers.TryAddWithoutValidation("Content-Type", contentType); }
            }

            // gRPC metadata travels as headers, without the transport's own and Dapr's.
            foreach (var entry in context.RequestHeaders.Where(e => !e.IsBinary && !e.Key.StartsWith(':') && !e.Key.StartsWith("grpc-", StringComparison.Ordinal)
                && e.Key is not ("dapr-api-token" or "content-type" or "te" or "user-agent" or "traceparent" or "dapr-app-id")))
            {
                http.Headers.TryAddWithoutValidation(entry.Key, entry.Value);
            }

            InvocationApi.StampDaprHeaders(http, sidecar, route.TargetId, traceparent, route.AppToken);
            return http;
        }, context.CancellationToken);

        var status = (int)response.StatusCode;
        var data = await response.Content.ReadAsByteArrayAsync(context.CancellationToken);
        if (status is < 200 or >= 300)
        {
            var trailers = new Metadata { { "dapr-http-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            throw new RpcException(new Status(InvocationApi.GrpcCodeOf(status), response.ReasonPhrase ?? ""), trailers);
        }

        await context.WriteResponseHeadersAsync(new Metadata { { "dapr-http-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        return new Dapr.Client.Autogen.Grpc.v1.InvokeResponse
        {
            Data = new Any { Value = ByteString.CopyFrom(data) },
            ContentType = response.Content.Headers.ContentType?.ToString() ?? "",
        };
    }

    /// <summary>Workflow management (Beta1 and its Alpha1 alias): the same API as /v1.0/workflows over HTTP.</summary>
    public async Task<StartWorkflowResponse> StartWorkflow(StartWorkflowRequest request, ServerCallContext context)
    {
        SameApp(request.AppId);
        var input = request.Input.IsEmpty ? null : request.Input.ToStringUtf8();
        return new StartWorkflowResponse
        {
            InstanceId = await workflows.StartAsync(request.WorkflowComponent, request.WorkflowName, request.InstanceId is { Length: > 0 } id ? id : null, input, context.CancellationToken),
        };
    }

    public async Task<GetWorkflowResponse> GetWorkflow(GetWorkflowRequest request, ServerCallContext context)
    {
        SameApp(request.AppId);
        var row = await workflows.GetAsync(request.WorkflowComponent, RequiredInstance(request.InstanceId), context.CancellationToken);
        var response = new GetWorkflowResponse
        {
            InstanceId = row.InstanceId,
            WorkflowName = row.Name,
            CreatedAt = Timestamp.FromDateTimeOffset(row.CreatedAt),
            LastUpdatedAt = Timestamp.FromDateTimeOffset(row.LastUpdatedAt),
            RuntimeStatus = Workflows.WorkflowEngine.StatusName(row.Status),
        };
        foreach (var (k, v) in Workflows.WorkflowApi.Properties(row)) { response.Properties[k] = v; }
        return response;
    }

    public async Task<Empty> RaiseEventWorkflow(RaiseEventWorkflowRequest request, ServerCallContext context)
    {
        SameApp(request.AppId);
        await workflows.RaiseEventAsync(request.WorkflowComponent, RequiredInstance(request.InstanceId), request.EventName, request.EventData.IsEmpty ? null : request.EventData.ToStringUtf8(), context.CancellationToken);
        return new Empty();
    }

    public Task<Empty> TerminateWorkflow(TerminateWorkflowRequest request, ServerCallContext context)
        => Manage(request.AppId, request.InstanceId, (id, ct) => workflows.TerminateAsync(request.WorkflowComponent, id, ct), context.CancellationToken);

    public Task<Empty> PauseWorkflow(PauseWorkflowRequest request, ServerCallContext context)
        => Manage(request.AppId, request.InstanceId, (id, ct) => workflows.PauseAsync(request.WorkflowComponent, id, ct), context.CancellationToken);

    public Task<Empty> ResumeWorkflow(ResumeWorkflowRequest request, ServerCallContext context)
        => Manage(request.AppId, request.InstanceId, (id, ct) => workflows.ResumeAsync(request.WorkflowComponent, id, ct), context.CancellationToken);

    public Task<Empty> PurgeWorkflow(PurgeWorkflowRequest request, ServerCallContext context)
        => Manage(request.AppId, request.InstanceId, (id, ct) => workflows.PurgeAsync(request.WorkflowComponent, id, ct), context.CancellationToken);

    private async Task<Empty> Manage(string appId, string instanceId, Func<string, CancellationToken, Task> operation, CancellationToken ct)
    {
        SameApp(appId);
        await operation(RequiredInstance(instanceId), ct);
        return new Empty();
    }

    /// <summary>daprd's ErrMissingOrEmptyInstance.</summary>
    private static string RequiredInstance(string instanceId) => instanceId.Length > 0
        ? instanceId
        : throw new DaprApiException("ERR_INSTANCE_ID_PROVIDED_MISSING", "no instance ID was provided", 400, StatusCode.InvalidArgument);

    /// <summary>Cross-app management (app_id of another app) needs daprd's placement; DevHost serves the calling app's own workflows.</summary>
    private void SameApp(string appId)
    {
        if (appId.Length > 0 && appId != sidecar.AppId)
        {
            throw new DaprApiException("ERR_WORKFLOW_APP_ID_INVALID", $"workflow app ID '{appId}' is not served here: DevHost manages the calling app's own workflows only", 400, StatusCode.InvalidArgument);
        }
    }

    /// <summary>DevHost serves no binding components (they are refused at start-up), so every name is unknown, as in daprd.</summary>
    public Task<InvokeBindingResponse> InvokeBinding(InvokeBindingRequest request, ServerCallContext context)
        => throw new DaprApiException("ERR_INVOKE_OUTPUT_BINDING", $"error invoking output binding {request.Name}: couldn't find output binding {request.Name}", 500, StatusCode.Internal);

    /// <summary>Replies first, then stops this app's sidecar and app, as daprd's graceful shutdown does.</summary>
    public Task<Empty> Shutdown(ShutdownRequest request, ServerCallContext context)
    {
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), platform.Time);
            await shutdownApp(sidecar.AppId);
        });
        return Task.FromResult(new Empty());
    }

    private static TraceContext Trace(ServerCallContext context)
        => new(context.RequestHeaders.GetValue("traceparent"), context.RequestHeaders.GetValue("tracestate"));

    private static bool IsFirstWrite(StateOptions? options) => options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;

    private static StateItemDelete ToDelete(WireStateItem item) => new(item.Key, item.Etag?.Value, IsFirstWrite(item.Options));

    /// <summary>
    /// A gRPC state value is bytes. daprd's SaveState decodes it as JSON only when metadata contentType is application/json;
    /// otherwise the store gets the bytes (state.postgresql then keeps them base64 with isbinary = true).
    /// </summary>
    private static State.StateItem ToItem(WireStateItem item, bool jsonWhenDeclared)
    {
        string? json = null;
        byte[]? binary = null;
        if (jsonWhenDeclared && item.Metadata.TryGetValue("contentType", out var contentType) && contentType == "application/json")
        {
            try
            {
                using var doc = JsonDocument.Parse(item.Value.Memory);
                json = doc.RootElement.GetRawText();
            }
            catch (JsonException ex)
            {
                throw new DaprApiException("ERR_STATE_SAVE", $"failed saving state in state store: {ex.Message}", 400, StatusCode.Unknown);
            }
        }
        else
        {
            binary = item.Value.ToByteArray();
        }

        return new State.StateItem(item.Key, json, binary, item.Etag?.Value, IsFirstWrite(item.Options), item.Metadata);
    }

    private static void AddExpiry(Google.Protobuf.Collections.MapField<string, string> metadata, StoredState state)
    {
        if (state.TtlExpireTime is { } expires) { metadata["ttlExpireTime"] = expires; }
    }

    /// <summary>Binds every rpc above to its method of dapr.proto.runtime.v1.Dapr.</summary>
    public sealed class Binder : IServiceMethodProvider<RuntimeGrpcService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<RuntimeGrpcService> context)
        {
            Unary<GetStateRequest, GetStateResponse>(context, "GetState", (s, r, c) => s.GetState(r, c));
            Unary<GetBulkStateRequest, GetBulkStateResponse>(context, "GetBulkState", (s, r, c) => s.GetBulkState(r, c));
            Unary<SaveStateRequest, Empty>(context, "SaveState", (s, r, c) => s.SaveState(r, c));
            Unary<DeleteStateRequest, Empty>(context, "DeleteState", (s, r, c) => s.DeleteState(r, c));
            Unary<DeleteBulkStateRequest, Empty>(context, "DeleteBulkState", (s, r, c) => s.DeleteBulkState(r, c));
            Unary<ExecuteStateTransactionRequest, Empty>(context, "ExecuteStateTransaction", (s, r, c) => s.ExecuteStateTransaction(r, c));
            Unary<PublishEventRequest, Empty>(context, "PublishEvent", (s, r, c) => s.PublishEvent(r, c));
            Unary<BulkPublishRequest, BulkPublishResponse>(context, "BulkPublishEvent", (s, r, c) => s.BulkPublishEvent(r, c));
            Unary<BulkPublishRequest, BulkPublishResponse>(context, "BulkPublishEventAlpha1", (s, r, c) => s.BulkPublishEvent(r, c));
            Unary<GetSecretRequest, GetSecretResponse>(context, "GetSecret", (s, r, c) => s.GetSecret(r, c));
            Unary<GetBulkSecretRequest, GetBulkSecretResponse>(context, "GetBulkSecret", (s, r, c) => s.GetBulkSecret(r, c));
            Unary<GetMetadataRequest, GetMetadataResponse>(context, "GetMetadata", (s, r, c) => s.GetMetadata(r, c));
            Unary<SetMetadataRequest, Empty>(context, "SetMetadata", (s, r, c) => s.SetMetadata(r, c));
            Unary<InvokeBindingRequest, InvokeBindingResponse>(context, "InvokeBinding", (s, r, c) => s.InvokeBinding(r, c));
            Unary<ShutdownRequest, Empty>(context, "Shutdown", (s, r, c) => s.Shutdown(r, c));
            Unary<InvokeServiceRequest, Dapr.Client.Autogen.Grpc.v1.InvokeResponse>(context, "InvokeService", (s, r, c) => s.InvokeService(r, c));
            foreach (var stage in new[] { "Beta1", "Alpha1" })
            {
                Unary<StartWorkflowRequest, StartWorkflowResponse>(context, "StartWorkflow" + stage, (s, r, c) => s.StartWorkflow(r, c));
                Unary<GetWorkflowRequest, GetWorkflowResponse>(context, "GetWorkflow" + stage, (s, r, c) => s.GetWorkflow(r, c));
                Unary<RaiseEventWorkflowRequest, Empty>(context, "RaiseEventWorkflow" + stage, (s, r, c) => s.RaiseEventWorkflow(r, c));
                Unary<TerminateWorkflowRequest, Empty>(context, "TerminateWorkflow" + stage, (s, r, c) => s.TerminateWorkflow(r, c));
                Unary<PauseWorkflowRequest, Empty>(context, "PauseWorkflow" + stage, (s, r, c) => s.PauseWorkflow(r, c));
                Unary<ResumeWorkflowRequest, Empty>(context, "ResumeWorkflow" + stage, (s, r, c) => s.ResumeWorkflow(r, c));
                Unary<PurgeWorkflowRequest, Empty>(context, "PurgeWorkflow" + stage, (s, r, c) => s.PurgeWorkflow(r, c));
            }
        }

        private static void Unary<TRequest, TResponse>(ServiceMethodProviderContext<RuntimeGrpcService> context, string name, UnaryServerMethod<RuntimeGrpcService, TRequest, TResponse> invoker)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new()
            => context.AddUnaryMethod(GrpcMethods.Create<TRequest, TResponse>(MethodType.Unary, ServiceName, name), [], invoker);
    }
}
