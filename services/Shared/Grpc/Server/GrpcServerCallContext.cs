using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Grpc.Server;

/// <summary>What a handler knows about its call: metadata, deadline, and a token that fires on client cancel or deadline.</summary>
public sealed class GrpcServerCallContext
{
    internal GrpcServerCallContext(HttpContext httpContext, string method, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    public HttpContext HttpContext { get; }

    /// <summary>The full method path, e.g. <c>/TaskHubSidecarService/Hello</c>.</summary>
    public string Method { get; }

    public DateTimeOffset? Deadline { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>A metadata value sent by the client (header names are case-insensitive), or null.</summary>
    public string? GetMetadata(string key) =>
        HttpContext.Request.Headers.TryGetValue(key, out var values) && values.Count > 0 ? values[0] : null;

    public string? Peer => HttpContext.Connection.RemoteIpAddress is { } ip ? $"{ip}:{HttpContext.Connection.RemotePort}" : null;
}

/// <summary>Writes messages of a server stream; safe to call from several tasks (writes are serialised).</summary>
public sealed class GrpcServerStreamWriter<T>
    where T : Google.Protobuf.IMessage
{
    private readonly HttpResponse _response;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    internal GrpcServerStreamWriter(HttpResponse response) => _response = response;

    public async Task WriteAsync(T message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var frame = GrpcFrames.Frame(message);
        await _writeLock.WaitAsync(ct);
        try
        {
            await _response.Body.WriteAsync(frame, ct);
            await _response.Body.FlushAsync(ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
