using DaprPlatform.Web.Features.Messaging;

namespace DaprPlatform.Web.Tests.Messaging;

/// <summary>The thread's merge rules: each message once, its states only moving forward whatever order news arrives in.</summary>
public sealed class ConversationThreadTests
{
    private static readonly Guid Conversation = Guid.NewGuid(), Me = Guid.NewGuid(), Other = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private static Message Sent(Guid sender, string text, int minute) =>
        new(Guid.NewGuid(), Conversation, sender, text, T0.AddMinutes(minute), null, false, null, null);

    [Fact]
    public void Pages_and_events_keep_each_message_once_oldest_first()
    {
        var thread = new ConversationThread(Conversation);
        var a = Sent(Me, "a", 0);
        var b = Sent(Other, "b", 1);
        var c = Sent(Me, "c", 2);

        thread.MergeNewest([c, b], "cursor-1");
        thread.Apply(new MessageArrived(c)).Should().BeFalse("it is already there");
        thread.MergeOlder([a], null);
        thread.MergeNewest([c, b], "cursor-1");

        thread.Messages.Select(m => m.Text).Should().Equal("a", "b", "c");
        thread.OlderCursor.Should().BeNull("paging back reached the oldest; reading the newest page again does not undo that");
    }

    [Fact]
    public void A_stale_copy_cannot_undo_a_deletion_an_edit_or_a_read()
    {
        var thread = new ConversationThread(Conversation);
        var original = Sent(Me, "helo", 0);
        thread.Upsert(original);
        thread.Apply(new MessageChanged(original with { Text = "hello", EditedAt = T0.AddMinutes(1) })).Should().BeTrue();
        thread.Apply(new MessagesRead(new ReadReceipt(Conversation, Other, [original.Id], T0.AddMinutes(2)))).Should().BeTrue();

        thread.Upsert(original).Should().BeFalse("a reload that started before the edit is older news");
        thread.Messages.Single().Should().Match<Message>(m => m.Text == "hello" && m.ReadAt == T0.AddMinutes(2));

        thread.Apply(new MessageChanged(original with { Text = null, Deleted = true, DeletedAt = T0.AddMinutes(3) })).Should().BeTrue();
        thread.Upsert(original with { Text = "hello", EditedAt = T0.AddMinutes(1) }).Should().BeFalse();
        thread.Messages.Single().Should().Match<Message>(m => m.Deleted && m.Text == null);
    }

    [Fact]
    public void Events_of_other_conversations_change_nothing_and_the_newest_unread_is_the_others_latest()
    {
        var thread = new ConversationThread(Conversation);
        var mine = Sent(Me, "mine", 2);
        var theirs = Sent(Other, "theirs", 1);
        var deleted = Sent(Other, "gone", 3) with { Deleted = true, Text = null };
        thread.MergeNewest([deleted, mine, theirs], null);

        thread.Apply(new MessageArrived(Sent(Other, "x", 4) with { ConversationId = Guid.NewGuid() })).Should().BeFalse();
        thread.NewestUnreadFromOthers(Me).Should().Be(theirs, "one's own and deleted messages are not read");
        thread.MarkRead(new ReadReceipt(Conversation, Me, [theirs.Id], T0.AddMinutes(5)));
        thread.NewestUnreadFromOthers(Me).Should().BeNull();
    }
}
