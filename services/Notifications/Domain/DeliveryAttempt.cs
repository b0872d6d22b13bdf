namespace DaprPlatform.Notifications.Domain;

/// <summary>One row of the delivery log: one attempt to deliver a notification over one channel.</summary>
public sealed class DeliveryAttempt
{
    public const int MaxErrorLength = 1000;

    private DeliveryAttempt()
    {
    }

    public Guid Id { get; private set; }
    public Guid NotificationId { get; private set; }
    public Guid UserId { get; private set; }
    public DeliveryChannel Channel { get; private set; }
    public DeliveryStatus Status { get; private set; }
    public DateTimeOffset AttemptedAt { get; private set; }
    public string? Error { get; private set; }

    public static DeliveryAttempt Delivered(Notification notification, DeliveryChannel channel, DateTimeOffset now) =>
        New(notification, channel, DeliveryStatus.Delivered, now);

    public static DeliveryAttempt Pending(Notification notification, DeliveryChannel channel, DateTimeOffset now) =>
        New(notification, channel, DeliveryStatus.Pending, now);

    /// <summary>Records how a pending external send ended.</summary>
    public void Complete(DeliveryStatus outcome, string? error, DateTimeOffset now)
    {
        if (Status != DeliveryStatus.Pending)
        {
            throw new InvalidOperationException($"Delivery {Id} is already {Status}.");
        }

        if (outcome == DeliveryStatus.Pending)
        {
            throw new ArgumentException("A completed delivery cannot stay pending.", nameof(outcome));
        }

        Status = outcome;
        AttemptedAt = now;
        Error = error is null || error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];
    }

    private static DeliveryAttempt New(Notification notification, DeliveryChannel channel, DeliveryStatus status, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        NotificationId = notification.Id,
        UserId = notification.UserId,
        Channel = channel,
        Status = status,
        AttemptedAt = now,
    };
}
