using System.Collections.Concurrent;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Configuration;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// One HttpClient per target app id that reaches the app through this app's sidecar: <c>http://{appId}/path</c> is sent as
/// <c>/v1.0/invoke/{appId}/method/path</c> by the SDK's <see cref="DaprClient.CreateInvokeHttpClient"/>. Kept here rather than
/// created per call because each client owns a connection pool, and built from the settings <see cref="DaprClient"/> reads
/// (configuration, then environment) so a test host can point it at its own sidecar.
/// </summary>
public sealed class AppInvocationClients(IConfiguration configuration) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> _clients = new(StringComparer.Ordinal);

    /// <summary>The client for <paramref name="appId"/>; its BaseAddress is <c>http://{appId}/</c>, so relative paths work.</summary>
    public HttpClient For(string appId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        return _clients.GetOrAdd(appId, id => new Lazy<HttpClient>(() => DaprClient.CreateInvokeHttpClient(
            id, DaprDefaults.GetDefaultHttpEndpoint(configuration), DaprDefaults.GetDefaultDaprApiToken(configuration)))).Value;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
