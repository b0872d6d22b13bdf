using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Actors;

public static class ActorServiceCollectionExtensions
{
    /// <summary>
    /// Hosts actors: registers the runtime (state and reminders through the sidecar), <see cref="ActorProxyFactory"/>,
    /// and the idle scan. Pair with app.MapActorsHandlers(). Also the way to get a proxy factory in an app hosting no actors.
    /// </summary>
    public static IServiceCollection AddActors(this IServiceCollection services, Action<ActorRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ActorRuntimeOptions)))
        {
            throw new InvalidOperationException("AddActors may be called once; register every actor type in that call.");
        }

        var options = new ActorRuntimeOptions();
        configure?.Invoke(options);
        if (options.ActorScanInterval <= TimeSpan.Zero || options.ActorIdleTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("ActorIdleTimeout and ActorScanInterval must be positive.");
        }

        services.AddSidecarClient();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<ActorTurnContext>();
        services.AddSingleton(sp => new ActorSidecarChannel(sp.GetRequiredService<SidecarClient>()));
        services.AddSingleton(sp => new ActorProxyFactory(sp.GetRequiredService<SidecarClient>(), sp.GetRequiredService<ActorTurnContext>(), options.Reentrancy.Enabled));
        services.AddSingleton(sp =>
        {
            var channel = sp.GetRequiredService<ActorSidecarChannel>();
            var runtimeServices = new ActorRuntimeServices(
                channel,
                channel,
                sp.GetRequiredService<ActorProxyFactory>(),
                sp.GetRequiredService<ActorTurnContext>(),
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                SidecarJson.Options);
            return new ActorRuntime(options, sp, runtimeServices);
        });
        if (options.Registrations.Count > 0)
        {
            services.AddHostedService<ActorIdleScan>();
        }

        return services;
    }
}

/// <summary>
/// The app's own idle deactivation (daprd also sends DELETE when its scan finds an idle actor): every scan interval,
/// actors with no call for the idle timeout are deactivated so OnDeactivateAsync runs and memory is returned.
/// On a graceful stop it deactivates every actor (bounded by the drain timeout), so in-memory work is saved first.
/// </summary>
internal sealed class ActorIdleScan(ActorRuntime runtime, TimeProvider time, ILogger<ActorIdleScan> logger) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(runtime.Options.DrainOngoingCallTimeout);
        try
        {
            var count = await runtime.DeactivateAllAsync(drain.Token);
            logger.LogInformation("Deactivated {Count} actors before stopping", count);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Stopping before every actor was deactivated (drain timeout {Timeout})", runtime.Options.DrainOngoingCallTimeout);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(runtime.Options.ActorScanInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var count = await runtime.DeactivateIdleAsync(stoppingToken);
                if (count > 0)
                {
                    logger.LogDebug("Idle scan deactivated {Count} actors", count);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Actor idle scan failed");
            }
        }
    }
}
