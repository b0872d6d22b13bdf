namespace DaprPlatform.Grpc;

/// <summary>
/// A call ended with a non-OK <c>grpc-status</c>, or failed in a way gRPC maps to one (transport loss → Unavailable,
/// deadline → DeadlineExceeded). Handlers on the server side throw it to choose the status they answer with.
/// Shaped like Grpc.Core's RpcException so code moving to the official packages changes little.
/// </summary>
public sealed class GrpcCallException : Exception
{
    public GrpcCallException(GrpcStatusCode status, string detail, Exception? innerException = null)
        : base($"gRPC status {status}: {detail}", innerException)
    {
        Status = status;
        Detail = detail;
    }

    public GrpcStatusCode Status { get; }

    /// <summary>The <c>grpc-message</c> text, already percent-decoded.</summary>
    public string Detail { get; }
}
