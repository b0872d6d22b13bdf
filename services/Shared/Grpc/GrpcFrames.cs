using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace DaprPlatform.Grpc;

/// <summary>
/// gRPC's message framing: a 1-byte compressed flag, a 4-byte big-endian length, then the protobuf bytes.
/// Only uncompressed messages (grpc-encoding identity) are supported; both of our ends never compress.
/// </summary>
public static class GrpcFrames
{
    public const int HeaderSize = 5;

    /// <summary>gRPC's customary default receive limit.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    public const string ContentType = "application/grpc";

    public static byte[] Frame(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var size = message.CalculateSize();
        var frame = new byte[HeaderSize + size];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)size);
        message.WriteTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    public static async ValueTask WriteAsync(Stream stream, IMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(Frame(message), ct);
    }

    /// <summary>
    /// Reads one message, or returns null when the stream ends cleanly before a new frame starts.
    /// A truncated frame, a compressed frame, an oversized frame or bytes that do not parse end the call with a
    /// <see cref="GrpcCallException"/> carrying the status gRPC prescribes for it.
    /// </summary>
    public static async ValueTask<T?> ReadAsync<T>(Stream stream, MessageParser<T> parser, int maxMessageSize, CancellationToken ct)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parser);
        var header = new byte[HeaderSize];
        var read = await stream.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, ct);
        if (read == 0) { return null; }
        if (read < HeaderSize) { throw new GrpcCallException(GrpcStatusCode.Internal, "The stream ended inside a message header."); }
        switch (header[0])
        {
            case 0:
                break;
            case 1:
                throw new GrpcCallException(GrpcStatusCode.Unimplemented, "Compressed messages are not supported; use grpc-encoding identity.");
            default:
                throw new GrpcCallException(GrpcStatusCode.Internal, $"Invalid compressed flag {header[0]} in a message header.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (length > (uint)maxMessageSize)
        {
            throw new GrpcCallException(GrpcStatusCode.ResourceExhausted, $"Received message of {length} bytes exceeds the limit of {maxMessageSize} bytes.");
        }

        var payload = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var got = await stream.ReadAtLeastAsync(payload.AsMemory(0, (int)length), (int)length, throwOnEndOfStream: false, ct);
            if (got < length) { throw new GrpcCallException(GrpcStatusCode.Internal, "The stream ended inside a message."); }
            return parser.ParseFrom(payload.AsSpan(0, (int)length));
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new GrpcCallException(GrpcStatusCode.Internal, $"A {typeof(T).Name} message could not be parsed: {ex.Message}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }
}
