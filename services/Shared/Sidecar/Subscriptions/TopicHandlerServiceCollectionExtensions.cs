using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprPlatform.Sidecar.Subscriptions;

public static class TopicHandlerServiceCollectionExtensions
{
    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> (scoped) to a topic; MapSidecarEndpoints exposes it to the sidecar.
    /// With <paramref name="bulk"/> the sidecar is asked for bulk delivery and each entry is handled on its own.
    /// </summary>
    public static IServiceCollection AddTopicHandler<TEvent, THandler>(this IServiceCollection services, string pubsubName, string topic, string route, string? deadLetterTopic = null, BulkSubscribeOptions? bulk = null)
        where THandler : class, ITopicHandler<TEvent>
    {
        ArgumentNullException.ThrowIfNull(services);
        Register(services, new TopicSubscription<TEvent, THandler>(pubsubName, topic, route, deadLetterTopic, bulk));
        services.TryAddScoped<THandler>();
        return services;
    }

    /// <summary>Subscribes a whole-delivery <typeparamref name="THandler"/> (scoped) with bulk delivery (defaults when <paramref name="bulk"/> is null).</summary>
    public static IServiceCollection AddBulkTopicHandler<TEvent, THandler>(this IServiceCollection services, string pubsubName, string topic, string route, string? deadLetterTopic = null, BulkSubscribeOptions? bulk = null)
        where THandler : class, IBulkTopicHandler<TEvent>
    {
        ArgumentNullException.ThrowIfNull(services);
        Register(services, new BulkTopicSubscription<TEvent, THandler>(pubsubName, topic, route, deadLetterTopic, bulk ?? new BulkSubscribeOptions()));
        services.TryAddScoped<THandler>();
        return services;
    }

    private static void Register(IServiceCollection services, TopicSubscription subscription)
    {
        var clash = services
            .Where(d => d.ServiceType == typeof(TopicSubscription) && d.ImplementationInstance is TopicSubscription)
            .Select(d => (TopicSubscription)d.ImplementationInstance!)
            .FirstOrDefault(s => string.Equals(s.Route, subscription.Route, StringComparison.OrdinalIgnoreCase)
                || (s.PubSubName == subscription.PubSubName && s.Topic == subscription.Topic));
        if (clash is not null)
        {
            throw new InvalidOperationException(
                $"Topic handler for {subscription.PubSubName}/{subscription.Topic} at '{subscription.Route}' clashes with {clash.PubSubName}/{clash.Topic} at '{clash.Route}': the sidecar allows one route per topic and one topic per route.");
        }

        services.AddSingleton<TopicSubscription>(subscription);
    }
}
