namespace DaprPlatform.Web.Features.Messaging;

/// <summary>
/// The messages of one conversation as the page holds them, oldest first, each once. Pages of the service, live events and
/// the page's own answers arrive in any order and may repeat one another, so a message's states only move forward: a
/// deletion is final, a later edit replaces an earlier one, a read stays read.
/// </summary>
public sealed class ConversationThread(Guid conversationId)
{
    private readonly Dictionary<Guid, Message> _byId = [];
    private List<Message>? _ordered;

    // Whether an older page has been read: the newest page read again later must not move the cursor back up then.
    private bool _pagedBack;

    public Guid ConversationId { get; } = conversationId;

    /// <summary>Oldest first, as the thread shows them (newest at the bottom).</summary>
    public IReadOnlyList<Message> Messages => _ordered ??= [.. _byId.Values.OrderBy(m => m.SentAt).ThenBy(m => m.Id)];

    /// <summary>The cursor for older messages; null once the oldest is here.</summary>
    public string? OlderCursor { get; private set; }

    /// <summary>The newest page (first load, or read again after the stream was cut): merged, its cursor kept unless paged further.</summary>
    public void MergeNewest(IEnumerable<Message> page, string? nextCursor)
    {
        Merge(page);
        if (!_pagedBack)
        {
            OlderCursor = nextCursor;
        }
    }

    /// <summary>An older page ("load earlier").</summary>
    public void MergeOlder(IEnumerable<Message> page, string? nextCursor)
    {
        Merge(page);
        _pagedBack = true;
        OlderCursor = nextCursor;
    }

    /// <returns>Whether the event belonged here and changed anything.</returns>
    public bool Apply(MessagingEvent e) => e.ConversationId == ConversationId && e switch
    {
        MessageArrived arrived => Upsert(arrived.Message),
        MessageChanged changed => Upsert(changed.Message),
        MessagesRead read => MarkRead(read.Receipt),
        _ => false,
    };

    /// <summary>Merges a message the page learnt of (its own answer, or an event).</summary>
    public bool Upsert(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.ConversationId != ConversationId)
        {
            return false;
        }

        var merged = _byId.TryGetValue(message.Id, out var known) ? Later(known, message) : message;
        if (known == merged)
        {
            return false;
        }

        _byId[message.Id] = merged;
        _ordered = null;
        return true;
    }

    public bool MarkRead(ReadReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var changed = false;
        foreach (var id in receipt.MessageIds)
        {
            if (_byId.TryGetValue(id, out var message) && message.ReadAt is null)
            {
                changed |= Upsert(message with { ReadAt = receipt.ReadAt });
            }
        }

        return changed;
    }

    /// <summary>The newest message from <paramref name="otherThan"/>'s counterpart that they have not read: reading it reads all before it.</summary>
    public Message? NewestUnreadFromOthers(Guid otherThan) =>
        Messages.LastOrDefault(m => m.SenderId != otherThan && m.ReadAt is null && !m.Deleted);

    private void Merge(IEnumerable<Message> page)
    {
        foreach (var message in page)
        {
            Upsert(message);
        }
    }

    /// <summary>The further along of two versions of one message, field by field.</summary>
    private static Message Later(Message known, Message incoming)
    {
        var text = known.Deleted || incoming.Deleted
            ? null
            : (incoming.EditedAt ?? incoming.SentAt) >= (known.EditedAt ?? known.SentAt) ? incoming.Text : known.Text;
        var merged = known with
        {
            Text = text,
            EditedAt = Max(known.EditedAt, incoming.EditedAt),
            Deleted = known.Deleted || incoming.Deleted,
            DeletedAt = known.DeletedAt ?? incoming.DeletedAt,
            ReadAt = known.ReadAt ?? incoming.ReadAt,
        };
        return merged == known ? known : merged;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
