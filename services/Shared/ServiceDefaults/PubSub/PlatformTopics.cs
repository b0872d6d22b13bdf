using Dapr;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// The platform's event bus and its topics (shared/design/ARCHITECTURE.md, "Events"). Publishers and subscribers both name
/// a topic through these, so a rename is one edit and a typo fails the build instead of leaving a subscription that never
/// fires. Other languages read the same names from that table.
/// </summary>
public static class PlatformTopics
{
    /// <summary>The pub/sub component every app publishes to and subscribes on (components/pubsub.yaml).</summary>
    public const string PubSub = "pubsub";

    public const string UserRegistered = "user.registered";
    public const string UserDeleted = "user.deleted";
    public const string UserRoleChanged = "user.role-changed";
    public const string ChannelRegistered = "channel.registered";
    public const string ChannelRemoved = "channel.removed";
    public const string ChannelMetrics = "channel.metrics";
    public const string PaymentSucceeded = "payment.succeeded";
    public const string PaymentFailed = "payment.failed";
    public const string PaymentRefunded = "payment.refunded";
    public const string BookingRequested = "booking.requested";
    public const string BookingConfirmed = "booking.confirmed";
    public const string BookingCancelled = "booking.cancelled";
    public const string BookingCompleted = "booking.completed";
    public const string MessageSent = "message.sent";
    public const string MessageRead = "message.read";
    public const string ReviewPosted = "review.posted";
    public const string ReviewEdited = "review.edited";
    public const string ReviewHidden = "review.hidden";
    public const string ReviewRestored = "review.restored";
    public const string ReviewDeleted = "review.deleted";
    public const string PayoutInitiated = "payout.initiated";
    public const string PayoutCompleted = "payout.completed";
    public const string PayoutFailed = "payout.failed";
    public const string PlanChanged = "plan.changed";
    public const string ChannelPaused = "channel.paused";
    public const string ChannelResumed = "channel.resumed";
    public const string ReportExported = "report.exported";

    /// <summary>Where the sidecar sends an event a subscriber dropped or could not take after its retries.</summary>
    public static string DeadLetterOf(string topic) => topic + ".deadletter";

    /// <summary>A subscription to <paramref name="topic"/> on the platform bus, with its dead-letter topic.</summary>
    public static TopicOptions Subscription(string topic) =>
        new() { PubsubName = PubSub, Name = topic, DeadLetterTopic = DeadLetterOf(topic) };
}
