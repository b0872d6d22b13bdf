using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Features;

namespace DaprPlatform.Messaging.Tests;

public sealed class DomainTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Student = Guid.NewGuid();
    private static readonly Guid Tutor = Guid.NewGuid();

    private static Conversation NewConversation() => Conversation.Start(Student, "Ada", Tutor, "Grace", null, Now);

    [Fact]
    public void A_conversation_has_two_different_participants()
    {
        var act = () => Conversation.Start(Student, "Ada", Student, "Ada", null, Now);
        act.Should().Throw<ArgumentException>();
        var conversation = NewConversation();
        conversation.OtherParticipant(Student).Should().Be(Tutor);
        conversation.OtherParticipant(Tutor).Should().Be(Student);
        conversation.NameOf(Tutor).Should().Be("Grace");
        conversation.IsParticipant(Guid.NewGuid()).Should().BeFalse();
        conversation.Invoking(c => c.OtherParticipant(Guid.NewGuid())).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Sending_moves_activity_bumps_the_version_and_unarchives_for_the_recipient_only()
    {
        var conversation = NewConversation();
        conversation.SetArchived(Student, true);
        conversation.SetArchived(Tutor, true);

        var message = conversation.Send(Tutor, "Hello", Now.AddMinutes(1));

        conversation.LastActivityAt.Should().Be(Now.AddMinutes(1));
        conversation.Version.Should().Be(1);
        conversation.IsArchivedFor(Student).Should().BeFalse("the recipient gets it back in the default list");
        conversation.IsArchivedFor(Tutor).Should().BeTrue("the sender's own archive flag is theirs");
        message.SenderId.Should().Be(Tutor);
        message.ConversationId.Should().Be(conversation.Id);
    }

    [Fact]
    public void Only_the_sender_edits_and_only_within_the_window()
    {
        var message = NewConversation().Send(Student, "Helo", Now);
        var window = TimeSpan.FromMinutes(15);

        message.Invoking(m => m.Edit(Tutor, "x", Now, window)).Should().Throw<MessagingRuleViolation>().Which.Rule.Should().Be(MessagingRule.NotSender);
        message.Edit(Student, "Hello", Now.AddMinutes(15), window);
        message.Text.Should().Be("Hello");
        message.EditedAt.Should().Be(Now.AddMinutes(15));
        message.Invoking(m => m.Edit(Student, "Hello!", Now.AddMinutes(15).AddTicks(1), window))
            .Should().Throw<MessagingRuleViolation>().Which.Rule.Should().Be(MessagingRule.EditWindowClosed);
    }

    [Fact]
    public void Deleting_is_soft_once_and_by_the_sender_and_ends_editing()
    {
        var message = NewConversation().Send(Student, "Oops", Now);

        message.Invoking(m => m.Delete(Tutor, Now)).Should().Throw<MessagingRuleViolation>().Which.Rule.Should().Be(MessagingRule.NotSender);
        message.Delete(Student, Now.AddSeconds(5)).Should().BeTrue();
        message.Delete(Student, Now.AddSeconds(6)).Should().BeFalse("deleting twice changes nothing");

        message.IsDeleted.Should().BeTrue();
        message.Text.Should().BeNull();
        message.DeletedAt.Should().Be(Now.AddSeconds(5));
        message.Preview.Should().BeEmpty();
        message.Invoking(m => m.Edit(Student, "again", Now.AddSeconds(7), TimeSpan.FromMinutes(15)))
            .Should().Throw<MessagingRuleViolation>().Which.Rule.Should().Be(MessagingRule.MessageDeleted);
    }

    [Fact]
    public void Reading_happens_once()
    {
        var message = NewConversation().Send(Student, "Hi", Now);
        message.MarkRead(Now.AddMinutes(1)).Should().BeTrue();
        message.MarkRead(Now.AddMinutes(2)).Should().BeFalse();
        message.ReadAt.Should().Be(Now.AddMinutes(1));
    }

    [Fact]
    public void The_event_carries_a_preview_of_at_most_140_characters()
    {
        var conversation = NewConversation();
        var message = conversation.Send(Tutor, new string('a', 150), Now);

        var sent = MessageSent.From(conversation, message);

        sent.Preview.Should().HaveLength(140);
        sent.SenderName.Should().Be("Grace");
        sent.RecipientId.Should().Be(Student);
        MessageSent.From(conversation, conversation.Send(Student, "short", Now)).Preview.Should().Be("short");
    }

    [Fact]
    public void Cursors_round_trip_and_refuse_anything_else()
    {
        Cursors.ReadMessage(Cursors.ForMessage(42)).Should().Be(42);
        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, 123, TimeSpan.Zero);
        Cursors.ReadConversation(Cursors.ForConversation(at, 7)).Should().Be((at, 7L));
        foreach (var bad in new[] { "", "!!", "bTo=", Cursors.ForConversation(at, 7), "bTotMQ", new string('a', 200) })
        {
            Cursors.ReadMessage(bad).Should().BeNull(bad);
        }

        Cursors.ReadConversation(Cursors.ForMessage(3)).Should().BeNull();
    }

    [Fact]
    public void Live_notices_are_written_in_version_order_per_conversation()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        LiveNotice Notice(Guid conversation, long version) => LiveNotice.Of([Student], "message:new", conversation, version, Now, new { version });

        var ordered = WatchLive.InConversationOrder([Notice(a, 3), Notice(b, 1), Notice(a, 2), Notice(b, 0), Notice(a, 4)]).ToList();

        ordered.Select(n => (n.ConversationId, n.Version)).Should().Equal((a, 2), (a, 3), (a, 4), (b, 0), (b, 1));
    }
}
