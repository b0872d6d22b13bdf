using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Actors;

/// <summary>Everything an actor instance gets from the runtime hosting it; passed to the <see cref="Actor"/> constructor.</summary>
public sealed class ActorHost
{
    internal ActorHost(ActorTypeInfo typeInfo, ActorId id, ActorRuntimeServices services)
    {
        TypeInfo = typeInfo;
        Id = id;
        Services = services;
    }

    public ActorId Id { get; }

    public string ActorType => TypeInfo.TypeName;

    public ILoggerFactory LoggerFactory => Services.LoggerFactory;

    public JsonSerializerOptions JsonSerializerOptions => Services.Json;

    public ActorProxyFactory ProxyFactory => Services.ProxyFactory;

    public TimeProvider TimeProvider => Services.TimeProvider;

    internal ActorTypeInfo TypeInfo { get; }

    internal ActorRuntimeServices Services { get; }
}

/// <summary>The collaborators shared by every actor of one runtime.</summary>
internal sealed record ActorRuntimeServices(
    IActorStateStore StateStore,
    IActorCallbackScheduler Scheduler,
    ActorProxyFactory ProxyFactory,
    ActorTurnContext Turns,
    ILoggerFactory LoggerFactory,
    TimeProvider TimeProvider,
    JsonSerializerOptions Json);
