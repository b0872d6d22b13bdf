namespace DaprPlatform.Notifications.Domain;

public enum DeliveryStatus
{
    /// <summary>Recorded before an external send starts, so a crash mid-send leaves a visible trace.</summary>
    Pending,
    Delivered,
    Failed,
    /// <summary>The channel has no credentials configured (e.g. no Telegram bot token).</summary>
    NotConfigured,
}
