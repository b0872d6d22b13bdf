using DaprPlatform.Notifications.Domain;

namespace DaprPlatform.Notifications.Tests;

public sealed class DomainTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Default_preferences_are_in_app_only() =>
        NotificationPreferences.DefaultFor(Guid.NewGuid(), Now).Should().Match<NotificationPreferences>(p => p.InApp && !p.Telegram && !p.Email && p.TelegramChatId == null && !p.WantsTelegram);

    [Fact]
    public void Telegram_on_needs_a_chat_id()
    {
        var preferences = NotificationPreferences.DefaultFor(Guid.NewGuid(), Now);

        FluentActions.Invoking(() => preferences.Update(true, true, false, null, Now)).Should().Throw<ArgumentException>();
        preferences.Telegram.Should().BeFalse("a rejected update changes nothing");
    }

    [Theory]
    [InlineData("123456789", true)]
    [InlineData("-1001234567890", true)]
    [InlineData("@my_channel", true)]
    [InlineData("@abc", false)]
    [InlineData("12a", false)]
    [InlineData("", false)]
    [InlineData("1 2", false)]
    public void Telegram_chat_ids_are_numbers_or_usernames(string value, bool valid) =>
        NotificationPreferences.IsValidTelegramChatId(value).Should().Be(valid);

    [Fact]
    public void Reading_twice_keeps_the_first_read_time()
    {
        var notification = Notification.Create(Guid.NewGuid(), "k", "t", "b", Now);

        notification.MarkRead(Now.AddMinutes(1));
        notification.MarkRead(Now.AddMinutes(5));

        notification.ReadAt.Should().Be(Now.AddMinutes(1));
    }

    [Fact]
    public void Over_long_titles_are_cut_to_fit_the_column() =>
        Notification.Create(Guid.NewGuid(), "k", new string('t', 500), "b", Now).Title.Should().HaveLength(Notification.MaxTitleLength);

    [Fact]
    public void A_completed_delivery_cannot_complete_again()
    {
        var attempt = DeliveryAttempt.Pending(Notification.Create(Guid.NewGuid(), "k", "t", "b", Now), DeliveryChannel.Telegram, Now);

        attempt.Complete(DeliveryStatus.Failed, new string('e', 2000), Now);

        attempt.Error.Should().HaveLength(DeliveryAttempt.MaxErrorLength);
        FluentActions.Invoking(() => attempt.Complete(DeliveryStatus.Delivered, null, Now)).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void A_message_notice_is_due_a_grace_after_sending_or_after_now_when_the_sender_clock_runs_ahead()
    {
        var grace = TimeSpan.FromSeconds(60);
        MessageNotice Sent(DateTimeOffset at) => MessageNotice.Pending(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Sam", "hi", at, grace, Now);

        Sent(Now.AddSeconds(-10)).DueAt.Should().Be(Now.AddSeconds(50));
        Sent(Now.AddMinutes(-5)).DueAt.Should().Be(Now.AddMinutes(-4), "already due: told at the next pass");
        Sent(Now.AddHours(1)).DueAt.Should().Be(Now.AddSeconds(60));
    }

    [Fact]
    public void A_message_notice_is_delivered_once_and_a_read_first_one_never()
    {
        var notice = MessageNotice.Pending(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Sam", "hi", Now, TimeSpan.Zero, Now);
        var notification = Notification.Create(notice.RecipientId, MessageNoticeText.Kind, "t", "b", Now);

        notice.Deliver(notification, Now);

        (notice.Status, notice.NotificationId, notice.DueAt).Should().Be((MessageNoticeStatus.Delivered, notification.Id, (DateTimeOffset?)null));
        FluentActions.Invoking(() => notice.Deliver(notification, Now)).Should().Throw<InvalidOperationException>();
        var readFirst = MessageNotice.ReadBeforeSent(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Now, Now);
        FluentActions.Invoking(() => readFirst.Deliver(notification, Now)).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void An_over_long_preview_is_cut_but_never_inside_a_surrogate_pair()
    {
        var preview = new string('a', MessageNotice.MaxPreviewLength - 1) + "😀";

        var notice = MessageNotice.Pending(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Sam", preview, Now, TimeSpan.Zero, Now);

        notice.Preview.Should().Be(new string('a', MessageNotice.MaxPreviewLength - 1));
    }

    [Fact]
    public void Notices_of_one_conversation_make_one_text_oldest_first_and_other_conversations_are_refused()
    {
        var (recipient, conversation) = (Guid.NewGuid(), Guid.NewGuid());
        MessageNotice Sent(int second, string text, Guid? inConversation = null) =>
            MessageNotice.Pending(Guid.NewGuid(), inConversation ?? conversation, recipient, Guid.NewGuid(), "Sam", text, Now.AddSeconds(second), TimeSpan.Zero, Now);

        var text = MessageNoticeText.For([Sent(2, "second"), Sent(1, "first")]);

        text.Should().Be(new PartyMessage(recipient, MessageNoticeText.Kind, "2 new messages from Sam", "first\nsecond"));
        FluentActions.Invoking(() => MessageNoticeText.For([Sent(1, "a"), Sent(2, "b", Guid.NewGuid())])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => MessageNoticeText.For([])).Should().Throw<ArgumentException>();
    }
}
