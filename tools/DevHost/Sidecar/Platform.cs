using System.Collections.Concurrent;
using DaprPlatform.DevHost.Configuration;
using DaprPlatform.DevHost.Resiliency;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>State shared by every sidecar of one DevHost: the run file, the sidecars and the HTTP client to the apps.</summary>
internal sealed class Platform(RunFile runFile, TimeProvider time, ILoggerFactory loggerFactory) : IDisposable
{
    private readonly ConcurrentDictionary<string, CircuitBreaker> _breakers = new(StringComparer.Ordinal);

    public RunFile RunFile { get; } = runFile;

    public TimeProvider Time { get; } = time;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public ConcurrentDictionary<string, SidecarRuntime> Sidecars { get; } = new(StringComparer.Ordinal);

    /// <summary>Client for sidecar → app calls: no proxy, no redirects, no cookies, so responses pass through verbatim.</summary>
    public HttpClient AppClient { get; } = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    public PubSub.Broker? Broker { get; set; }

    public Actors.ActorRuntime? Actors { get; set; }

    public CircuitBreaker Breaker(string key, CircuitBreakerPolicy policy)
        => _breakers.GetOrAdd(key + "/" + policy.Name, _ => new CircuitBreaker(policy, Time));

    public void Dispose() => AppClient.Dispose();
}
