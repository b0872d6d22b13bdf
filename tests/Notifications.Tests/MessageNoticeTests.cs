using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Features;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.Notifications.Tests;

/// <summary>The notifications app with a hand-moved clock and a message grace period of 60 s (the default, set explicitly).</summary>
public sealed class MessageNoticeFixture : IAsyncLifetime
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(60);

    public PostgresDatabase Database { get; } = new("notif_msg");

    // Near the real time: the app checks access tokens against this clock too.
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public FakeBotApi Bot { get; private set; } = null!;

    public NotificationsFactory Factory { get; private set; } = null!;

    /// <summary>Claims per transaction; the concurrency fixture makes it small so two dispatchers contend.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>
    /// False: the app's own background dispatcher is not started, so each test decides when a pass runs (and a pass's
    /// commit is done when the test reads). The background loop itself is tested with it on.
    /// </summary>
    public bool RunsBackgroundDispatcher { get; init; }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Bot = await FakeBotApi.StartAsync();
        Factory = new NotificationsFactory(
            Database.ConnectionString,
            Bot.BaseUrl,
            NotificationsFixture.BotToken,
            new Dictionary<string, string?>
            {
                ["Notifications:MessageGracePeriod"] = "00:01:00",
                ["Notifications:MessageNoticeBatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                if (!RunsBackgroundDispatcher)
                {
                    foreach (var background in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(MessageNoticeDispatcher)).ToList())
                    {
                        services.Remove(background);
                    }
                }
            });
        _ = Factory.Server; // starts the host, which applies the migration
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Bot.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Another replica's dispatcher: its own instance over the same database.</summary>
    public MessageNoticeDispatcher NewDispatcher() => ActivatorUtilities.CreateInstance<MessageNoticeDispatcher>(Factory.Services);

    /// <summary>Runs dispatch passes until nothing due is left; returns how many notices they claimed.</summary>
    public async Task<int> DispatchAllDueAsync(MessageNoticeDispatcher? dispatcher = null)
    {
        dispatcher ??= NewDispatcher();
        var total = 0;
        for (int claimed; (claimed = await dispatcher.DispatchDueAsync(CancellationToken.None)) > 0;)
        {
            total += claimed;
        }

        return total;
    }

    public static object Sent(Guid messageId, Guid conversationId, Guid senderId, Guid recipientId, DateTimeOffset sentAt, string preview = "Are we still on for Tuesday?", string senderName = "Sam Student") =>
        new { messageId, conversationId, senderId, senderName, recipientId, preview, sentAt };

    public static object Read(Guid conversationId, Guid readerId, DateTimeOffset readAt, params Guid[] messageIds) =>
        new { conversationId, readerId, messageIds, readAt };

    public async Task<string> DeliverAsync(string topic, object data, string? eventId = null)
    {
        using var client = Factory.CreateClient();
        using var envelope = CloudEvents.Envelope(eventId ?? Guid.NewGuid().ToString(), JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web), topic);
        return await client.DeliverAsync("/events/" + topic.Replace('.', '-'), envelope);
    }

    public Task<List<Notification>> NotificationsOfAsync(Guid userId) =>
        Factory.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.UserId == userId && n.Kind == MessageNoticeText.Kind).OrderBy(n => n.CreatedAt).ToListAsync());

    public Task<MessageNotice> NoticeAsync(Guid messageId) =>
        Factory.WithDbAsync(db => db.MessageNotices.AsNoTracking().SingleAsync(n => n.MessageId == messageId));
}

/// <summary>message.sent / message.read → one notice per unread message after the grace period, never for a read one.</summary>
public sealed class MessageNoticeTests(MessageNoticeFixture fx) : IClassFixture<MessageNoticeFixture>
{
    private readonly Guid _sender = Guid.NewGuid();
    private readonly Guid _recipient = Guid.NewGuid();
    private readonly Guid _conversation = Guid.NewGuid();

    [Fact]
    public async Task A_message_read_within_the_grace_period_is_never_told()
    {
        var message = Guid.NewGuid();
        var now = fx.Clock.GetUtcNow();
        (await fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(message, _conversation, _sender, _recipient, now))).Should().Be("SUCCESS");
        fx.Clock.Advance(TimeSpan.FromSeconds(30));
        (await fx.DeliverAsync("message.read", MessageNoticeFixture.Read(_conversation, _recipient, fx.Clock.GetUtcNow(), message))).Should().Be("SUCCESS");

        fx.Clock.Advance(MessageNoticeFixture.Grace);
        await fx.DispatchAllDueAsync();

        (await fx.NotificationsOfAsync(_recipient)).Should().BeEmpty();
        (await fx.NoticeAsync(message)).Status.Should().Be(MessageNoticeStatus.Read);
    }

    [Fact]
    public async Task An_unread_message_is_told_once_when_its_grace_has_passed_however_often_the_events_come()
    {
        var message = Guid.NewGuid();
        var sent = MessageNoticeFixture.Sent(message, _conversation, _sender, _recipient, fx.Clock.GetUtcNow());
        var eventId = Guid.NewGuid().ToString();
        (await fx.DeliverAsync("message.sent", sent, eventId)).Should().Be("SUCCESS");
        (await fx.DeliverAsync("message.sent", sent, eventId)).Should().Be("SUCCESS");

        fx.Clock.Advance(MessageNoticeFixture.Grace - TimeSpan.FromSeconds(1));
        await fx.DispatchAllDueAsync();
        (await fx.NotificationsOfAsync(_recipient)).Should().BeEmpty("59 s is within the grace period");

        fx.Clock.Advance(TimeSpan.FromSeconds(1));
        await fx.DispatchAllDueAsync();
        await fx.DispatchAllDueAsync();
        (await fx.DeliverAsync("message.sent", sent)).Should().Be("SUCCESS", "a republish under a new id");
        fx.Clock.Advance(MessageNoticeFixture.Grace);
        await fx.DispatchAllDueAsync();

        var notification = (await fx.NotificationsOfAsync(_recipient)).Should().ContainSingle().Subject;
        notification.Title.Should().Be("New message from Sam Student");
        notification.Body.Should().Be("Are we still on for Tuesday?");
        (await fx.NotificationsOfAsync(_sender)).Should().BeEmpty();
        var notice = await fx.NoticeAsync(message);
        (notice.Status, notice.NotificationId).Should().Be((MessageNoticeStatus.Delivered, notification.Id));

        (await fx.DeliverAsync("message.read", MessageNoticeFixture.Read(_conversation, _recipient, fx.Clock.GetUtcNow(), message))).Should().Be("SUCCESS");
        (await fx.NoticeAsync(message)).Status.Should().Be(MessageNoticeStatus.Delivered, "a read after the notice cannot take it back");
    }

    [Fact]
    public async Task A_read_that_arrives_before_its_message_sent_still_keeps_the_message_untold()
    {
        var message = Guid.NewGuid();
        var sentAt = fx.Clock.GetUtcNow();
        (await fx.DeliverAsync("message.read", MessageNoticeFixture.Read(_conversation, _recipient, sentAt.AddSeconds(5), message))).Should().Be("SUCCESS");
        (await fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(message, _conversation, _sender, _recipient, sentAt))).Should().Be("SUCCESS");

        fx.Clock.Advance(MessageNoticeFixture.Grace * 2);
        await fx.DispatchAllDueAsync();

        (await fx.NotificationsOfAsync(_recipient)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_message_sent_and_its_read_arriving_at_the_same_moment_never_tell_the_message()
    {
        var messages = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        var now = fx.Clock.GetUtcNow();

        // Both make the message's row; the loser answers RETRY and the sidecar delivers it again, as here.
        await Task.WhenAll(messages.SelectMany(m => new[]
        {
            DeliverUntilDoneAsync("message.sent", MessageNoticeFixture.Sent(m, _conversation, _sender, _recipient, now)),
            DeliverUntilDoneAsync("message.read", MessageNoticeFixture.Read(_conversation, _recipient, now, m)),
        }));

        fx.Clock.Advance(MessageNoticeFixture.Grace);
        await fx.DispatchAllDueAsync();
        (await fx.NotificationsOfAsync(_recipient)).Should().BeEmpty();
        var notices = await fx.Factory.WithDbAsync(db => db.MessageNotices.AsNoTracking().Where(n => messages.Contains(n.MessageId)).ToListAsync());
        notices.Should().HaveCount(messages.Count).And.OnlyContain(n => n.Status == MessageNoticeStatus.Read);
    }

    private async Task DeliverUntilDoneAsync(string topic, object data)
    {
        var eventId = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            var status = await fx.DeliverAsync(topic, data, eventId);
            if (status != "RETRY" || attempt == 5)
            {
                status.Should().Be("SUCCESS");
                return;
            }
        }
    }

    [Fact]
    public async Task Only_the_recipient_reading_cancels_the_notice()
    {
        var message = Guid.NewGuid();
        (await fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(message, _conversation, _sender, _recipient, fx.Clock.GetUtcNow()))).Should().Be("SUCCESS");
        (await fx.DeliverAsync("message.read", MessageNoticeFixture.Read(_conversation, _sender, fx.Clock.GetUtcNow(), message))).Should().Be("SUCCESS");

        fx.Clock.Advance(MessageNoticeFixture.Grace);
        await fx.DispatchAllDueAsync();

        (await fx.NotificationsOfAsync(_recipient)).Should().ContainSingle();
    }

    [Fact]
    public async Task Unread_messages_of_one_conversation_due_together_make_one_notice_and_a_read_one_is_left_out()
    {
        var start = fx.Clock.GetUtcNow();
        var messages = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        for (var i = 0; i < messages.Count; i++)
        {
            (await fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(messages[i], _conversation, _sender, _recipient, start.AddSeconds(i), $"line {i}"))).Should().Be("SUCCESS");
        }

        var other = Guid.NewGuid();
        (await fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(Guid.NewGuid(), other, _sender, _recipient, start, "elsewhere"))).Should().Be("SUCCESS");
        (await fx.DeliverAsync("message.read", MessageNoticeFixture.Read(_conversation, _recipient, start.AddSeconds(10), messages[1]))).Should().Be("SUCCESS");

        fx.Clock.Advance(MessageNoticeFixture.Grace + TimeSpan.FromSeconds(5));
        await fx.DispatchAllDueAsync();

        var told = await fx.NotificationsOfAsync(_recipient);
        told.Should().HaveCount(2, "one per conversation");
        told.Should().ContainSingle(n => n.Title == "3 new messages from Sam Student").Which.Body.Should().Be("line 0\nline 2\nline 3");
        told.Should().ContainSingle(n => n.Title == "New message from Sam Student").Which.Body.Should().Be("elsewhere");
    }

    [Fact]
    public async Task A_message_sent_event_arriving_after_the_grace_is_told_at_the_next_pass()
    {
        var message = Guid.NewGuid();
        (await fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(message, _conversation, _sender, _recipient, fx.Clock.GetUtcNow().AddMinutes(-5)))).Should().Be("SUCCESS");

        await fx.DispatchAllDueAsync();

        (await fx.NotificationsOfAsync(_recipient)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_recipient_who_chose_telegram_is_told_there_too()
    {
        using (var api = fx.Factory.CreateClientFor(_recipient))
        {
            using var put = await api.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = true, email = false, telegramChatId = "777000123" });
            put.EnsureSuccessStatusCode();
        }

        (await fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(Guid.NewGuid(), _conversation, _sender, _recipient, fx.Clock.GetUtcNow(), "ping"))).Should().Be("SUCCESS");
        fx.Clock.Advance(MessageNoticeFixture.Grace);
        await fx.DispatchAllDueAsync();

        fx.Bot.Calls.Should().ContainSingle(c => c.Body.Contains("777000123")).Which.Body.Should().Contain("ping");
        var notification = (await fx.NotificationsOfAsync(_recipient)).Should().ContainSingle().Subject;
        var log = await fx.Factory.WithDbAsync(db => db.DeliveryLog.AsNoTracking().Where(d => d.NotificationId == notification.Id).ToListAsync());
        log.Select(d => (d.Channel, d.Status)).Should().BeEquivalentTo([(DeliveryChannel.InApp, DeliveryStatus.Delivered), (DeliveryChannel.Telegram, DeliveryStatus.Delivered)]);
    }

    public static TheoryData<string, string, string> InvalidEvents() => new()
    {
        // name, topic, data (JSON) — each can never be valid, so it is dropped rather than retried
        { "sent: no message id", "message.sent", """{"conversationId":"{c}","senderId":"{s}","senderName":"Sam","recipientId":"{r}","preview":"hi","sentAt":"2026-12-01T10:00:00Z"}""" },
        { "sent: no recipient", "message.sent", """{"messageId":"{m}","conversationId":"{c}","senderId":"{s}","senderName":"Sam","preview":"hi","sentAt":"2026-12-01T10:00:00Z"}""" },
        { "sent: to oneself", "message.sent", """{"messageId":"{m}","conversationId":"{c}","senderId":"{s}","senderName":"Sam","recipientId":"{s}","preview":"hi","sentAt":"2026-12-01T10:00:00Z"}""" },
        { "sent: blank sender name", "message.sent", """{"messageId":"{m}","conversationId":"{c}","senderId":"{s}","senderName":" ","recipientId":"{r}","preview":"hi","sentAt":"2026-12-01T10:00:00Z"}""" },
        { "sent: id not a uuid", "message.sent", """{"messageId":"m-1","conversationId":"{c}","senderId":"{s}","senderName":"Sam","recipientId":"{r}","preview":"hi","sentAt":"2026-12-01T10:00:00Z"}""" },
        { "read: no message ids", "message.read", """{"conversationId":"{c}","readerId":"{r}","readAt":"2026-12-01T10:00:00Z"}""" },
        { "read: empty message ids", "message.read", """{"conversationId":"{c}","readerId":"{r}","messageIds":[],"readAt":"2026-12-01T10:00:00Z"}""" },
        { "read: empty uuid among ids", "message.read", """{"conversationId":"{c}","readerId":"{r}","messageIds":["{m}","00000000-0000-0000-0000-000000000000"],"readAt":"2026-12-01T10:00:00Z"}""" },
        { "read: no reader", "message.read", """{"conversationId":"{c}","messageIds":["{m}"],"readAt":"2026-12-01T10:00:00Z"}""" },
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public async Task An_event_that_can_never_be_valid_is_dropped_and_writes_nothing(string name, string topic, string data)
    {
        var json = data.Replace("{m}", Guid.NewGuid().ToString(), StringComparison.Ordinal).Replace("{c}", _conversation.ToString(), StringComparison.Ordinal)
            .Replace("{s}", _sender.ToString(), StringComparison.Ordinal).Replace("{r}", _recipient.ToString(), StringComparison.Ordinal);
        var before = await fx.Database.CountRowsAsync("message_notices", "inbox_messages");

        (await fx.DeliverAsync(topic, JsonDocument.Parse(json).RootElement)).Should().Be("DROP", name);

        (await fx.Database.CountRowsAsync("message_notices", "inbox_messages")).Should().Be(before, "{0}: nothing may be written", name);
    }
}

/// <summary>
/// Dispatchers that claim 3 notices per transaction, so two of them running at once contend for rows; the app's own
/// background dispatcher runs too, as a third replica.
/// </summary>
public sealed class SmallBatchMessageNoticeFixture() : IAsyncLifetime
{
    public MessageNoticeFixture Inner { get; } = new() { BatchSize = 3, RunsBackgroundDispatcher = true };

    public Task InitializeAsync() => Inner.InitializeAsync();

    public Task DisposeAsync() => Inner.DisposeAsync();
}

/// <summary>The dispatcher as replicas run it: side by side, in the background, and purging what is settled.</summary>
public sealed class MessageNoticeDispatcherTests(SmallBatchMessageNoticeFixture small) : IClassFixture<SmallBatchMessageNoticeFixture>
{
    private readonly MessageNoticeFixture _fx = small.Inner;

    [Fact]
    public async Task Two_dispatchers_running_at_once_tell_each_message_exactly_once()
    {
        var sender = Guid.NewGuid();
        var recipients = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        var messages = new List<Guid>();
        foreach (var recipient in recipients)
        {
            var conversation = Guid.NewGuid();
            for (var i = 0; i < 2; i++)
            {
                var message = Guid.NewGuid();
                messages.Add(message);
                (await _fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(message, conversation, sender, recipient, _fx.Clock.GetUtcNow(), $"m{i}"))).Should().Be("SUCCESS");
            }
        }

        _fx.Clock.Advance(MessageNoticeFixture.Grace); // wakes the background dispatcher too
        var claims = await Task.WhenAll(_fx.DispatchAllDueAsync(_fx.NewDispatcher()), _fx.DispatchAllDueAsync(_fx.NewDispatcher()));

        claims.Sum().Should().BeLessThanOrEqualTo(messages.Count, "a notice claimed twice would count twice (the background dispatcher may claim some too)");
        // Wait for a pass of the background dispatcher that may still be committing.
        var notices = await Eventually.UntilAsync(
            "every notice delivered",
            _ => _fx.Factory.WithDbAsync(db => db.MessageNotices.AsNoTracking().Where(n => messages.Contains(n.MessageId)).ToListAsync()),
            rows => rows.Count == messages.Count && rows.All(n => n.Status == MessageNoticeStatus.Delivered),
            TimeSpan.FromSeconds(10),
            rows => string.Join(", ", rows.GroupBy(n => n.Status).Select(g => $"{g.Key}: {g.Count()}")));
        notices.Should().OnlyContain(n => n.NotificationId != null);
        var told = await _fx.Factory.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => recipients.Contains(n.UserId)).ToListAsync());
        told.Select(n => n.Id).Should().BeEquivalentTo(notices.Select(n => n.NotificationId!.Value).Distinct(), "every notification tells notices, and no notice was told by two");
        told.Sum(n => n.Title.StartsWith("New message", StringComparison.Ordinal) ? 1 : int.Parse(n.Title.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(messages.Count, "each message is in exactly one notification");
    }

    [Fact]
    public async Task The_background_dispatcher_tells_an_unread_message_once_its_grace_has_passed()
    {
        var recipient = Guid.NewGuid();
        var message = Guid.NewGuid();
        (await _fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(message, Guid.NewGuid(), Guid.NewGuid(), recipient, _fx.Clock.GetUtcNow()))).Should().Be("SUCCESS");

        _fx.Clock.Advance(MessageNoticeFixture.Grace);

        var notice = await Eventually.UntilAsync(
            "the notice delivered by the background dispatcher", _ => _fx.NoticeAsync(message), n => n.Status == MessageNoticeStatus.Delivered,
            TimeSpan.FromSeconds(10), n => n.Status.ToString());
        (await _fx.NotificationsOfAsync(recipient)).Should().ContainSingle().Which.Id.Should().Be(notice.NotificationId!.Value);
    }

    [Fact]
    public async Task Told_and_read_notices_are_purged_after_the_retention_and_pending_or_recent_ones_kept()
    {
        // No access tokens in this class: the clock may run far ahead of real time.
        var (recipient, conversation) = (Guid.NewGuid(), Guid.NewGuid());
        var (told, readFirst, pending, recentRead) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        (await _fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(told, conversation, Guid.NewGuid(), recipient, _fx.Clock.GetUtcNow()))).Should().Be("SUCCESS");
        (await _fx.DeliverAsync("message.read", MessageNoticeFixture.Read(conversation, recipient, _fx.Clock.GetUtcNow(), readFirst))).Should().Be("SUCCESS");
        _fx.Clock.Advance(MessageNoticeFixture.Grace);
        await _fx.DispatchAllDueAsync();
        await Eventually.UntilAsync("the first message told", _ => _fx.NoticeAsync(told), n => n.Status == MessageNoticeStatus.Delivered, TimeSpan.FromSeconds(10), n => n.Status.ToString());

        _fx.Clock.Advance(TimeSpan.FromDays(30));
        (await _fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(pending, conversation, Guid.NewGuid(), recipient, _fx.Clock.GetUtcNow()))).Should().Be("SUCCESS");
        (await _fx.DeliverAsync("message.read", MessageNoticeFixture.Read(conversation, recipient, _fx.Clock.GetUtcNow(), recentRead))).Should().Be("SUCCESS");
        _fx.Clock.Advance(TimeSpan.FromMinutes(1) - MessageNoticeFixture.Grace + TimeSpan.FromSeconds(1)); // 30 days and 1 s after the first two settled
        await _fx.NewDispatcher().PurgeSettledAsync(CancellationToken.None);

        var left = await _fx.Factory.WithDbAsync(db => db.MessageNotices.AsNoTracking().Where(n => n.RecipientId == recipient).Select(n => n.MessageId).ToListAsync());
        left.Should().BeEquivalentTo([pending, recentRead]);
        (await _fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(recentRead, conversation, Guid.NewGuid(), recipient, _fx.Clock.GetUtcNow()))).Should().Be("SUCCESS");
        (await _fx.NoticeAsync(recentRead)).Status.Should().Be(MessageNoticeStatus.Read, "within the retention a late message.sent still tells nobody");
    }
}
