namespace DaprPlatform.Channels.Domain;

/// <summary>
/// Marks a Telegram update as ingested. Telegram redelivers an update until it gets a 200, so the update id's
/// primary key is what makes a redelivery a no-op.
/// </summary>
public sealed class ProcessedTelegramUpdate
{
    private ProcessedTelegramUpdate()
    {
        Type = string.Empty;
    }

    public long UpdateId { get; private set; }
    public Guid ChannelId { get; private set; }
    public string Type { get; private set; }
    public int Samples { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }

    public const int MaxTypeLength = 32;

    public static ProcessedTelegramUpdate For(long updateId, Guid channelId, string type, int samples, DateTimeOffset now) => new()
    {
        UpdateId = updateId,
        ChannelId = channelId,
        Type = type.Length <= MaxTypeLength ? type : type[..MaxTypeLength],
        Samples = samples,
        ReceivedAt = now,
    };
}
