using System.Buffers;
using System.Net;

namespace DaprPlatform.Gateway.Infrastructure;

/// <summary>
/// The client's request body as upstream content: each piece is flushed as soon as it is read, so the upstream
/// sees bytes while the client is still sending (StreamContent would leave small pieces in the connection buffer).
/// </summary>
internal sealed class StreamingRequestContent(Stream body) : HttpContent
{
    private const int BufferSize = 64 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        // The Content-Length header (when the client sent one) is copied separately; the body is never pre-read.
        length = 0;
        return false;
    }
}
