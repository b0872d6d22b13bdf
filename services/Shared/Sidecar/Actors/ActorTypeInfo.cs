using System.Reflection;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Actors;

/// <summary>What the runtime knows about one hosted actor type: its name and the methods callers may invoke.</summary>
internal sealed class ActorTypeInfo
{
    private readonly Dictionary<string, ActorMethod> _methods;

    private ActorTypeInfo(ActorRegistration registration, Dictionary<string, ActorMethod> methods)
    {
        Registration = registration;
        _methods = methods;
    }

    public ActorRegistration Registration { get; }

    public string TypeName => Registration.TypeName;

    public Type ActorClass => Registration.ActorClass;

    public bool IsRemindable => typeof(IRemindable).IsAssignableFrom(ActorClass);

    public static ActorTypeInfo Create(ActorRegistration registration)
    {
        var methods = new Dictionary<string, ActorMethod>(StringComparer.Ordinal);
        var interfaces = registration.ActorClass.GetInterfaces()
            .Where(i => i != typeof(IActor) && typeof(IActor).IsAssignableFrom(i));
        foreach (var contract in interfaces)
        {
            var map = registration.ActorClass.GetInterfaceMap(contract);
            for (var i = 0; i < map.InterfaceMethods.Length; i++)
            {
                var method = ActorMethod.Create(map.InterfaceMethods[i], map.TargetMethods[i]);
                // Two interfaces may declare the same method; they resolve to the same implementation.
                methods.TryAdd(method.Name, method);
            }
        }

        return new ActorTypeInfo(registration, methods);
    }

    public bool TryGetMethod(string name, out ActorMethod method) => _methods.TryGetValue(name, out method!);

    /// <summary>
    /// A timer callback may be any instance method of the actor class, taking nothing or the timer's byte[] state
    /// and returning Task (daprd only knows the name it was given at registration).
    /// </summary>
    public MethodInfo? FindTimerCallback(string name) =>
        ActorClass.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(m => string.Equals(m.Name, name, StringComparison.Ordinal) && m.ReturnType == typeof(Task) && !m.IsGenericMethodDefinition)
            .FirstOrDefault(m => m.GetParameters() switch
            {
                [] => true,
                [var p] => p.ParameterType == typeof(byte[]),
                _ => false,
            });
}

/// <summary>One invocable actor method: zero or one JSON data parameter, an optional trailing CancellationToken, Task or Task&lt;T&gt;.</summary>
internal sealed class ActorMethod
{
    private readonly MethodInfo _target;
    private readonly PropertyInfo? _result;

    private ActorMethod(string name, MethodInfo target, Type? dataType, bool takesCancellation, Type? resultType)
    {
        Name = name;
        _target = target;
        DataType = dataType;
        TakesCancellation = takesCancellation;
        ResultType = resultType;
        _result = resultType is null ? null : typeof(Task<>).MakeGenericType(resultType).GetProperty(nameof(Task<int>.Result));
    }

    public string Name { get; }

    public Type? DataType { get; }

    public bool TakesCancellation { get; }

    public Type? ResultType { get; }

    public static ActorMethod Create(MethodInfo contract, MethodInfo target)
    {
        var parameters = contract.GetParameters();
        var takesCancellation = parameters.Length > 0 && parameters[^1].ParameterType == typeof(CancellationToken);
        var dataParameters = takesCancellation ? parameters[..^1] : parameters;
        if (dataParameters.Length > 1)
        {
            throw new InvalidOperationException($"Actor method {contract.DeclaringType?.Name}.{contract.Name} takes {dataParameters.Length} parameters; actor methods take at most one (the JSON body).");
        }

        Type? resultType;
        if (contract.ReturnType == typeof(Task))
        {
            resultType = null;
        }
        else if (contract.ReturnType.IsGenericType && contract.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            resultType = contract.ReturnType.GetGenericArguments()[0];
        }
        else
        {
            throw new InvalidOperationException($"Actor method {contract.DeclaringType?.Name}.{contract.Name} must return Task or Task<T>.");
        }

        return new ActorMethod(contract.Name, target, dataParameters.Length == 1 ? dataParameters[0].ParameterType : null, takesCancellation, resultType);
    }

    /// <summary>Calls the method on <paramref name="actor"/>; the returned bytes are the JSON result, or null for a plain Task.</summary>
    public async Task<byte[]?> InvokeAsync(Actor actor, object? data, JsonSerializerOptions json, CancellationToken ct)
    {
        object?[] arguments = (DataType, TakesCancellation) switch
        {
            (null, false) => [],
            (null, true) => [ct],
            (_, false) => [data],
            _ => [data, ct],
        };
        var task = (Task)_target.Invoke(actor, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null)!;
        await task;
        if (_result is null || ResultType is null)
        {
            return null;
        }

        return JsonSerializer.SerializeToUtf8Bytes(_result.GetValue(task), ResultType, json);
    }
}
