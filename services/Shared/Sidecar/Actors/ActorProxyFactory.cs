using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Actors;

/// <summary>
/// Creates callers for actors hosted anywhere, over the sidecar's PUT /v1.0/actors/{type}/{id}/method/{method}.
/// Inside an actor turn with reentrancy enabled, calls carry that turn's Dapr-Reentrancy-Id so the chain may re-enter.
/// </summary>
public sealed class ActorProxyFactory
{
    private readonly ActorSidecarChannel _channel;
    private readonly ActorTurnContext? _turns;
    private readonly bool _reentrancyEnabled;
    private readonly ConcurrentDictionary<MethodInfo, ProxyMethod> _methods = new();

    public ActorProxyFactory(SidecarClient sidecar)
        : this(sidecar, turns: null, reentrancyEnabled: false)
    {
    }

    internal ActorProxyFactory(SidecarClient sidecar, ActorTurnContext? turns, bool reentrancyEnabled)
    {
        _channel = new ActorSidecarChannel(sidecar);
        _turns = turns;
        _reentrancyEnabled = reentrancyEnabled;
    }

    /// <summary>A typed proxy: each interface method becomes one call; its single data argument is the JSON body.</summary>
    public TActor CreateActorProxy<TActor>(ActorId id, string actorType)
        where TActor : IActor
    {
        if (!typeof(TActor).IsInterface)
        {
            throw new ArgumentException($"{typeof(TActor).Name} must be an interface deriving from {nameof(IActor)}.", nameof(TActor));
        }

        var proxy = Create(id, actorType);
        var dispatch = DispatchProxy.Create<TActor, ActorInterfaceDispatch>();
        ((ActorInterfaceDispatch)(object)dispatch).Attach(proxy, this);
        return dispatch;
    }

    /// <summary>An untyped proxy: call methods by name.</summary>
    public ActorProxy Create(ActorId id, string actorType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorType);
        ArgumentException.ThrowIfNullOrWhiteSpace(id.Value, nameof(id));
        return new ActorProxy(id, actorType, this);
    }

    internal Task<byte[]> SendAsync(ActorProxy target, string method, byte[]? body, CancellationToken ct)
    {
        var reentrancyId = _reentrancyEnabled ? _turns?.Current?.ReentrancyId : null;
        return _channel.InvokeMethodAsync(target.ActorType, target.ActorId, method, body, reentrancyId, ct);
    }

    internal ProxyMethod Describe(MethodInfo method) => _methods.GetOrAdd(method, ProxyMethod.Create);

    /// <summary>How one interface method maps onto the wire, worked out once per method.</summary>
    internal sealed class ProxyMethod
    {
        private static readonly MethodInfo TypedCall = typeof(ProxyMethod).GetMethod(nameof(CallTypedAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

        private readonly Func<ActorProxy, string, byte[]?, CancellationToken, object>? _typed;

        private ProxyMethod(ActorMethod shape, Func<ActorProxy, string, byte[]?, CancellationToken, object>? typed)
        {
            Shape = shape;
            _typed = typed;
        }

        public ActorMethod Shape { get; }

        public static ProxyMethod Create(MethodInfo method)
        {
            var shape = ActorMethod.Create(method, method);
            Func<ActorProxy, string, byte[]?, CancellationToken, object>? typed = null;
            if (shape.ResultType is { } result)
            {
                typed = TypedCall.MakeGenericMethod(result).CreateDelegate<Func<ActorProxy, string, byte[]?, CancellationToken, object>>();
            }

            return new ProxyMethod(shape, typed);
        }

        public object Invoke(ActorProxy proxy, object?[] args)
        {
            byte[]? body = null;
            var ct = CancellationToken.None;
            var index = 0;
            if (Shape.DataType is { } dataType)
            {
                body = JsonSerializer.SerializeToUtf8Bytes(args[index++], dataType, SidecarJson.Options);
            }

            if (Shape.TakesCancellation)
            {
                ct = (CancellationToken)args[index]!;
            }

            return _typed is null ? proxy.SendRawAsync(Shape.Name, body, ct) : _typed(proxy, Shape.Name, body, ct);
        }

        private static object CallTypedAsync<T>(ActorProxy proxy, string method, byte[]? body, CancellationToken ct) =>
            proxy.SendForResultAsync<T>(method, body, ct);
    }
}

/// <summary>Calls one actor's methods by name through the sidecar; arguments and results are JSON.</summary>
public sealed class ActorProxy
{
    private readonly ActorProxyFactory _factory;

    internal ActorProxy(ActorId actorId, string actorType, ActorProxyFactory factory)
    {
        ActorId = actorId;
        ActorType = actorType;
        _factory = factory;
    }

    public ActorId ActorId { get; }

    public string ActorType { get; }

    public Task InvokeMethodAsync(string method, CancellationToken ct = default) => SendRawAsync(method, null, ct);

    public Task InvokeMethodAsync<TRequest>(string method, TRequest data, CancellationToken ct = default) =>
        SendRawAsync(method, JsonSerializer.SerializeToUtf8Bytes(data, SidecarJson.Options), ct);

    public Task<TResponse> InvokeMethodAsync<TResponse>(string method, CancellationToken ct = default) =>
        SendForResultAsync<TResponse>(method, null, ct);

    public Task<TResponse> InvokeMethodAsync<TRequest, TResponse>(string method, TRequest data, CancellationToken ct = default) =>
        SendForResultAsync<TResponse>(method, JsonSerializer.SerializeToUtf8Bytes(data, SidecarJson.Options), ct);

    internal async Task SendRawAsync(string method, byte[]? body, CancellationToken ct) =>
        await _factory.SendAsync(this, method, body, ct);

    internal async Task<T> SendForResultAsync<T>(string method, byte[]? body, CancellationToken ct)
    {
        var response = await _factory.SendAsync(this, method, body, ct);
        if (response.Length == 0)
        {
            return default!;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(response, SidecarJson.Options)!;
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Actor method {ActorType}/{ActorId}.{method} returned a body that is not JSON for {typeof(T).Name}.", ex);
        }
    }
}

/// <summary>The DispatchProxy behind <see cref="ActorProxyFactory.CreateActorProxy{TActor}"/>.</summary>
#pragma warning disable CA1852 // DispatchProxy derives a generated type from this class, so it cannot be sealed.
internal class ActorInterfaceDispatch : DispatchProxy
#pragma warning restore CA1852
{
    private ActorProxy? _proxy;
    private ActorProxyFactory? _factory;

    internal void Attach(ActorProxy proxy, ActorProxyFactory factory)
    {
        _proxy = proxy;
        _factory = factory;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_proxy is null || _factory is null)
        {
            throw new InvalidOperationException("The actor proxy was not created by ActorProxyFactory.");
        }

        return _factory.Describe(targetMethod).Invoke(_proxy, args ?? []);
    }
}
