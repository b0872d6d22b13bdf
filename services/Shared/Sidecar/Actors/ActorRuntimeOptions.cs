namespace DaprPlatform.Sidecar.Actors;

/// <summary>Actor types this app hosts and the runtime settings it advertises to daprd through GET /dapr/config.</summary>
public sealed class ActorRuntimeOptions
{
    private readonly List<ActorRegistration> _registrations = [];

    /// <summary>daprd's default is 60m.</summary>
    public TimeSpan ActorIdleTimeout { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>daprd's default is 30s.</summary>
    public TimeSpan ActorScanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>daprd's default is 60s.</summary>
    public TimeSpan DrainOngoingCallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public bool DrainRebalancedActors { get; set; } = true;

    public ActorReentrancyConfig Reentrancy { get; set; } = new();

    public IReadOnlyList<ActorRegistration> Registrations => _registrations;

    /// <summary>Hosts <typeparamref name="TActor"/> under <paramref name="typeName"/> (default: the class name).</summary>
    public ActorRuntimeOptions RegisterActor<TActor>(string? typeName = null)
        where TActor : Actor
    {
        var registration = new ActorRegistration(typeof(TActor), string.IsNullOrWhiteSpace(typeName) ? typeof(TActor).Name : typeName);
        if (_registrations.Any(r => string.Equals(r.TypeName, registration.TypeName, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"Actor type '{registration.TypeName}' is already registered.");
        }

        _registrations.Add(registration);
        return this;
    }
}

/// <summary>One hosted actor type: the CLR class and the Dapr actor type name.</summary>
public sealed record ActorRegistration(Type ActorClass, string TypeName);
