using Dapr.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprPlatform.OutboxInbox;

public static class OutboxInboxServiceCollectionExtensions
{
    /// <summary>Scoped <see cref="Outbox{TContext}"/> plus a hosted dispatcher that publishes through <see cref="DaprClient"/>.</summary>
    public static IServiceCollection AddOutbox<TContext>(this IServiceCollection services, Action<OutboxOptions>? configure = null)
        where TContext : DbContext, IOutboxStore
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OutboxOptions>(OutboxDispatcher<TContext>.OptionsName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.BatchSize > 0 && o.PollInterval > TimeSpan.Zero && o.InitialBackoff > TimeSpan.Zero && o.MaxBackoff >= o.InitialBackoff && o.PublishTimeout > TimeSpan.Zero, "OutboxOptions: BatchSize, PollInterval, InitialBackoff and PublishTimeout must be positive and MaxBackoff ≥ InitialBackoff.");

        services.AddDaprClient();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxInboxMetrics>();
        services.TryAddSingleton<OutboxSignal<TContext>>();
        services.TryAddScoped<Outbox<TContext>>();
        if (!services.Any(d => d.ServiceType == typeof(OutboxDispatcher<TContext>)))
        {
            services.AddSingleton<OutboxDispatcher<TContext>>();
            services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher<TContext>>());
        }

        return services;
    }

    public static IServiceCollection AddInbox<TContext>(this IServiceCollection services)
        where TContext : DbContext, IInboxStore
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxInboxMetrics>();
        services.TryAddScoped<Inbox<TContext>>();
        return services;
    }
}
