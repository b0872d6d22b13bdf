using DaprPlatform.DevHost.Sidecar;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace DaprPlatform.DevHost.Grpc;

/// <summary>
/// What daprd's gRPC API server does around every rpc: the dapr-api-token check when DAPR_API_TOKEN is set
/// (pkg/api/grpc/auth.go: UNAUTHENTICATED, "missing api token in request metadata" / "authentication error: api token
/// mismatch"), and building-block failures turned into their gRPC status.
/// </summary>
internal sealed class SidecarGrpcInterceptor(string apiToken) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        try
        {
            return await continuation(request, context);
        }
        catch (DaprApiException ex)
        {
            throw ex.ToRpcException();
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (DaprApiException ex)
        {
            throw ex.ToRpcException();
        }
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        // An empty token means DAPR_API_TOKEN is not set.
        if (apiToken.Length == 0) { return; }
        var sent = context.RequestHeaders.GetValue("dapr-api-token");
        if (string.IsNullOrEmpty(sent))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing api token in request metadata"));
        }

        if (sent != apiToken)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "authentication error: api token mismatch"));
        }
    }
}
