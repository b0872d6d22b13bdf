using System.Text.Json;
using Grpc.Core;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Dapr's HTTP error body: {"errorCode":"ERR_…","message":"…"} (dapr/dapr pkg/messages/api_error.go).</summary>
internal static class DaprError
{
    public static IResult Result(int status, string code, string message)
        => Results.Json(new { errorCode = code, message }, statusCode: status);

    public static IResult Result(DaprApiException error) => Result(error.HttpStatus, error.ErrorCode, error.Message);

    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { errorCode = code, message }), context.RequestAborted);
    }

    public static IResult MalformedBody(Exception ex) => Result(400, "ERR_MALFORMED_REQUEST", $"failed deserializing HTTP body: {ex.Message}");
}

/// <summary>
/// A building-block failure as daprd reports it on both transports: every daprd API error carries an error code, an HTTP
/// status and a gRPC status code (pkg/messages/predefined.go, pkg/api/errors/*.go), so one exception serves both listeners.
/// </summary>
internal sealed class DaprApiException(string errorCode, string message, int httpStatus, StatusCode grpcStatus) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;

    public int HttpStatus { get; } = httpStatus;

    public StatusCode GrpcStatus { get; } = grpcStatus;

    public RpcException ToRpcException() => new(new Status(GrpcStatus, Message));
}
