using Dapr;
using Dapr.Client;

namespace DaprPlatform.Workflows.ServiceSteps;

/// <summary>
/// Calls to other apps through this app's sidecar with the official SDK's invocation client
/// (<see cref="DaprClient.CreateInvokeHttpClient"/>: a request to <c>http://{app-id}/{path}</c> goes to the sidecar's invocation
/// API with the Dapr API token). The sidecar's endpoint and token come from configuration first, then the environment
/// (<see cref="DaprDefaults"/>), as for every other SDK client; one client for the app's lifetime keeps its connections pooled.
/// </summary>
public static class ServiceInvocation
{
    /// <summary>The keyed <see cref="HttpClient"/> service.</summary>
    public const string ClientKey = "service-invocation";

    /// <summary>A call the sidecar has not answered by then is a transient failure: the step is retried, not left hanging.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddServiceInvocation(this IServiceCollection services)
    {
        services.AddKeyedSingleton(ClientKey, (sp, _) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var client = DaprClient.CreateInvokeHttpClient(
                appId: null, DaprDefaults.GetDefaultHttpEndpoint(configuration), DaprDefaults.GetDefaultDaprApiToken(configuration));
            client.Timeout = CallTimeout;
            return client;
        });
        services.AddTransient(sp => new ServiceStepCall(sp.GetRequiredKeyedService<HttpClient>(ClientKey)));
        return services;
    }
}
