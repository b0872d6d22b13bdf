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
}
