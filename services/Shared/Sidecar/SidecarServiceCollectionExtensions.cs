using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Sidecar;

public static class SidecarServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SidecarClient"/> as a typed HttpClient. Options start from the environment;
    /// every <paramref name="configure"/> passed by any call is applied afterwards, in call order.
    /// </summary>
    public static IServiceCollection AddSidecarClient(this IServiceCollection services, Action<SidecarOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<SidecarOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<SidecarOptions>, SidecarOptionsFromEnvironment>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SidecarOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        // Instruments come from the host's IMeterFactory (AddMetrics is idempotent; a WebApplication already has it).
        services.AddMetrics();
        services.TryAddSingleton<SidecarMetrics>();

        if (!services.Any(d => d.ServiceType == typeof(SidecarClientRegistered)))
        {
            services.AddSingleton<SidecarClientRegistered>();
            services.AddHttpClient<SidecarClient>();
        }

        return services;
    }

    private sealed class SidecarOptionsFromEnvironment : IConfigureOptions<SidecarOptions>
    {
        public void Configure(SidecarOptions options) => options.ApplyEnvironment(Environment.GetEnvironmentVariable);
    }

    // Marker so repeated AddSidecarClient calls don't stack typed-client registrations.
    private sealed class SidecarClientRegistered;
}
