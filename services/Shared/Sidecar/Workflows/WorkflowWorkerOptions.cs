using System.Globalization;

namespace DaprPlatform.Sidecar.Workflows;

/// <summary>What the worker runs (workflows and activities by name) and how it talks to the sidecar's task hub.</summary>
public sealed class WorkflowWorkerOptions
{
    private const int DefaultGrpcPort = 50001;

    private readonly Dictionary<string, Type> _workflows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _activities = new(StringComparer.Ordinal);

    /// <summary>In-flight orchestration turns at most (the Dapr .NET SDK's default is 100).</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 100;

    /// <summary>In-flight activities at most (the Dapr .NET SDK's default is 100).</summary>
    public int MaxConcurrentActivities { get; set; } = 100;

    /// <summary>How often Hello is called while the work-item stream is open; a failed Hello reopens the stream.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before the first reconnect; it doubles (with jitter) on repeated failures up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The sidecar's gRPC endpoint; when null, DAPR_GRPC_ENDPOINT, then DAPR_GRPC_PORT, then 127.0.0.1:50001.</summary>
    public Uri? GrpcEndpoint { get; set; }

    /// <summary>Sent as <c>dapr-api-token</c>; when null, the sidecar client's token (DAPR_API_TOKEN) is used.</summary>
    public string? ApiToken { get; set; }

    internal IReadOnlyDictionary<string, Type> Workflows => _workflows;

    internal IReadOnlyDictionary<string, Type> Activities => _activities;

    /// <summary>Registers a workflow class (resolved from DI per turn) under <paramref name="name"/>, or its class name like the Dapr SDK.</summary>
    public WorkflowWorkerOptions RegisterWorkflow<TWorkflow>(string? name = null)
        where TWorkflow : class, IWorkflow
    {
        Register(_workflows, name ?? typeof(TWorkflow).Name, typeof(TWorkflow), "workflow");
        return this;
    }

    /// <summary>Registers an activity class (resolved from a fresh DI scope per invocation) under <paramref name="name"/>, or its class name.</summary>
    public WorkflowWorkerOptions RegisterActivity<TActivity>(string? name = null)
        where TActivity : class, IWorkflowActivity
    {
        Register(_activities, name ?? typeof(TActivity).Name, typeof(TActivity), "activity");
        return this;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentOrchestrations, 1, nameof(MaxConcurrentOrchestrations));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentActivities, 1, nameof(MaxConcurrentActivities));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveInterval, TimeSpan.Zero, nameof(KeepAliveInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectDelay, TimeSpan.Zero, nameof(ReconnectDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReconnectDelay, ReconnectDelay, nameof(MaxReconnectDelay));
    }

    /// <summary>The endpoint the official SDKs use: DAPR_GRPC_ENDPOINT (scheme optional), else DAPR_GRPC_PORT on loopback, else port 50001.</summary>
    internal Uri ResolveGrpcEndpoint(Func<string, string?> getEnv)
    {
        if (GrpcEndpoint is not null) { return GrpcEndpoint; }
        var endpoint = getEnv("DAPR_GRPC_ENDPOINT")?.Trim();
        if (!string.IsNullOrEmpty(endpoint))
        {
            var withScheme = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : "http://" + endpoint;
            if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException($"DAPR_GRPC_ENDPOINT '{endpoint}' is not a valid endpoint.");
            }

            // Only scheme, host and port matter for gRPC (options such as ?tls= are not ours to interpret).
            return new Uri(uri.GetLeftPart(UriPartial.Authority));
        }

        var port = getEnv("DAPR_GRPC_PORT")?.Trim();
        if (string.IsNullOrEmpty(port)) { return Loopback(DefaultGrpcPort); }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new InvalidOperationException($"DAPR_GRPC_PORT '{port}' is not a valid port.");
        }

        return Loopback(number);
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    private static void Register(Dictionary<string, Type> registrations, string name, Type type, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!registrations.TryAdd(name, type))
        {
            throw new InvalidOperationException($"A {what} named '{name}' is already registered ({registrations[name].FullName}).");
        }
    }
}
