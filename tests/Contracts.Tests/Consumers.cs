using System.Text.Json;
using DaprPlatform.Analytics.Features;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Workflows.Features;
using Microsoft.AspNetCore.Routing;
using AnalyticsEvents = DaprPlatform.Analytics.Contracts;
using ChannelsEvents = DaprPlatform.Channels.Contracts;
using NotificationsEvents = DaprPlatform.Notifications.Contracts;
using PaymentsEvents = DaprPlatform.Payments.Contracts;
using ReportsEvents = DaprPlatform.Reports.Contracts;
using ReviewsEvents = DaprPlatform.Reviews.Contracts;
using TutoringEvents = DaprPlatform.Tutoring.Contracts;

namespace DaprPlatform.Contracts.Tests;

/// <summary>One consumer of a topic: the service, the record it reads the data into, and how it reads it.</summary>
public sealed record Consumer(string Topic, string Service, Type Data, Action<IEndpointRouteBuilder> Map, Func<SubscriberHost, JsonElement, Task<object?>> Read)
{
    public string Name => $"{Topic} → {Service} ({Data.Name})";
}

/// <summary>Every C# consumer of every topic and the record type it declares for the data (consumers keep their own copies).</summary>
public static class Consumers
{
    public static IReadOnlyList<Consumer> All { get; } =
    [
        Subscribed<NotificationsEvents.UserRegistered>(PlatformTopics.UserRegistered, "notifications"),
        Subscribed<AnalyticsEvents.ChannelRegistered>(PlatformTopics.ChannelRegistered, "analytics"),
        Subscribed<AnalyticsEvents.ChannelRemoved>(PlatformTopics.ChannelRemoved, "analytics"),
        // analytics takes channel.metrics in bulk on its own route; each entry's data is read by Deliveries.TryRead.
        new(PlatformTopics.ChannelMetrics, "analytics", typeof(AnalyticsEvents.ChannelMetricsBatch), _ => { },
            (_, data) => Task.FromResult<object?>(Deliveries.TryRead<AnalyticsEvents.ChannelMetricsBatch>(data))),
        Subscribed<PaymentOutcomeEvent>(PlatformTopics.PaymentSucceeded, "workflows"),
        Subscribed<PaymentOutcomeEvent>(PlatformTopics.PaymentFailed, "workflows"),
        Subscribed<NotificationsEvents.PaymentChanged>(PlatformTopics.PaymentFailed, "notifications"),
        Subscribed<NotificationsEvents.PaymentChanged>(PlatformTopics.PaymentRefunded, "notifications"),
        Subscribed<PaymentsEvents.PaymentEvent>(PlatformTopics.PaymentRefunded, "payments"),
        Subscribed<NotificationsEvents.BookingChanged>(PlatformTopics.BookingConfirmed, "notifications"),
        Subscribed<NotificationsEvents.BookingChanged>(PlatformTopics.BookingCancelled, "notifications"),
        Subscribed<ReviewsEvents.BookingChanged>(PlatformTopics.BookingCancelled, "reviews"),
        Subscribed<PaymentsEvents.BookingCompleted>(PlatformTopics.BookingCompleted, "payments"),
        Subscribed<ReviewsEvents.BookingChanged>(PlatformTopics.BookingCompleted, "reviews"),
        Subscribed<NotificationsEvents.MessageSent>(PlatformTopics.MessageSent, "notifications"),
        Subscribed<NotificationsEvents.MessageRead>(PlatformTopics.MessageRead, "notifications"),
        Subscribed<NotificationsEvents.ReviewChanged>(PlatformTopics.ReviewPosted, "notifications"),
        Subscribed<TutoringEvents.ReviewChanged>(PlatformTopics.ReviewPosted, "tutoring"),
        Subscribed<TutoringEvents.ReviewChanged>(PlatformTopics.ReviewEdited, "tutoring"),
        Subscribed<TutoringEvents.ReviewChanged>(PlatformTopics.ReviewHidden, "tutoring"),
        Subscribed<TutoringEvents.ReviewChanged>(PlatformTopics.ReviewRestored, "tutoring"),
        Subscribed<TutoringEvents.ReviewChanged>(PlatformTopics.ReviewDeleted, "tutoring"),
        Subscribed<NotificationsEvents.PayoutChanged>(PlatformTopics.PayoutInitiated, "notifications"),
        Subscribed<NotificationsEvents.PayoutChanged>(PlatformTopics.PayoutCompleted, "notifications"),
        Subscribed<NotificationsEvents.PayoutChanged>(PlatformTopics.PayoutFailed, "notifications"),
        Subscribed<ChannelsEvents.PlanChanged>(PlatformTopics.PlanChanged, "channels"),
        Subscribed<AnalyticsEvents.PlanChanged>(PlatformTopics.PlanChanged, "analytics"),
        Subscribed<NotificationsEvents.PlanChanged>(PlatformTopics.PlanChanged, "notifications"),
        Subscribed<NotificationsEvents.ChannelPauseChanged>(PlatformTopics.ChannelPaused, "notifications"),
        Subscribed<NotificationsEvents.ChannelPauseChanged>(PlatformTopics.ChannelResumed, "notifications"),
        Subscribed<ReportsEvents.PlanChanged>(PlatformTopics.PlanChanged, "reports"),
        Subscribed<ReportsEvents.ChannelRemoved>(PlatformTopics.ChannelRemoved, "reports"),
        Subscribed<NotificationsEvents.ReportExported>(PlatformTopics.ReportExported, "notifications"),
    ];

    /// <summary>A subscription through ServiceDefaults' <c>MapTopic</c>, as the service maps it.</summary>
    private static Consumer Subscribed<T>(string topic, string service)
        where T : class =>
        new(topic, service, typeof(T),
            app => app.MapTopic<T, DeliveredEvents>(SubscriberHost.RouteOf(topic, typeof(T)), PlatformTopics.Subscription(topic), (handler, e, _) => Task.FromResult(handler.Record(e))),
            (host, data) => host.DeliverAsync(topic, typeof(T), data));
}
