using Google.Protobuf;
using Grpc.Core;

namespace DaprPlatform.DevHost.Grpc;

/// <summary>
/// <see cref="Method{TRequest, TResponse}"/> descriptors built from the official message types. Dapr.Protos ships the
/// messages and a client for dapr.proto.runtime.v1.Dapr but no server base class, so the server side binds each rpc itself.
/// </summary>
internal static class GrpcMethods
{
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(MethodType type, string service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => new(type, service, name, MarshallerFor<TRequest>(), MarshallerFor<TResponse>());

    private static Marshaller<T> MarshallerFor<T>()
        where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }
}
