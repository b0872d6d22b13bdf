using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprPlatform.Sidecar.Subscriptions;

public static class TopicHandlerServiceCollectionExtensions
{
    /// <summary>Subscribes <typeparamref name="THandler"/> (scoped) to a topic; MapSidecarEndpoints exposes it to the sidecar.</summary>
    public static IServiceCollection AddTopicHandler<TEvent, THandler>(this IServiceCollection services, string pubsubName, string topic, string route, string? deadLetterTopic = null)
        where THandler : class, ITopicHandler<TEvent>
    {
        ArgumentNullException.ThrowIfNull(services);
        var subscription = new TopicSubscription<TEvent, THandler>(pubsubName, topic, route, deadLetterTopic);
        var clash = services
            .Where(d => d.ServiceType == typeof(TopicSubscription) && d.ImplementationInstance is TopicSubscription)
            .Select(d => (TopicSubscription)d.ImplementationInstance!)
            .FirstOrDefault(s => string.Equals(s.Route, subscription.Route, StringComparison.OrdinalIgnoreCase)
                || (s.PubSubName == subscription.PubSubName && s.Topic == subscription.Topic));
        if (clash is not null)
        {
            throw new InvalidOperationException(
                $"Topic handler for {pubsubName}/{topic} at '{subscription.Route}' clashes with {clash.PubSubName}/{clash.Topic} at '{clash.Route}': the sidecar allows one route per topic and one topic per route.");
        }

        services.AddSingleton<TopicSubscription>(subscription);
        services.TryAddScoped<THandler>();
        return services;
    }
}
