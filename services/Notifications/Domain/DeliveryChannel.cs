namespace DaprPlatform.Notifications.Domain;

public enum DeliveryChannel
{
    InApp,
    Telegram,
    Email,
}
