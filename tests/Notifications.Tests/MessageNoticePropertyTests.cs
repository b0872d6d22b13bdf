using DaprPlatform.Notifications.Domain;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

/// <summary>
/// Property: for random timelines of message.sent, message.read (before or after the grace, sometimes before their
/// message.sent), redeliveries and dispatch passes, exactly the messages an in-memory model says are told are told —
/// each once, one notification per conversation per pass — and the rest never. A failing case names its seed;
/// MESSAGE_NOTICE_PROPERTY_SEED=&lt;seed&gt; runs it alone.
/// </summary>
public sealed class MessageNoticePropertyTests(MessageNoticeFixture fx) : IClassFixture<MessageNoticeFixture>
{
    private const int Cases = 25;
    private const int BaseSeed = 17_0000;
    private static readonly TimeSpan PassEvery = TimeSpan.FromSeconds(10);

    private enum Kind { Sent, Read, Pass }

    private sealed record Step(TimeSpan At, Kind Kind, int Message);

    [Fact]
    public Task Exactly_the_messages_unread_when_their_grace_ends_are_told_once() =>
        SeededCases.RunAsync("MESSAGE_NOTICE_PROPERTY_SEED", BaseSeed, Cases, RunCaseAsync);

    private async Task RunCaseAsync(int seed)
    {
        var random = new Random(seed);
        var (sender, recipient) = (Guid.NewGuid(), Guid.NewGuid());
        var conversations = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Guid.NewGuid()).ToList();
        var count = random.Next(2, 9);
        var messages = Enumerable.Range(0, count).Select(_ => (Id: Guid.NewGuid(), Conversation: conversations[random.Next(conversations.Count)], SentAt: TimeSpan.FromSeconds(random.Next(0, 40)))).ToList();

        // The timeline: each message.sent arrives 0–15 s after sending (sometimes twice); about half the messages are
        // read 0–120 s after sending (a read may arrive before its message.sent); a dispatch pass every 10 s.
        var steps = new List<Step>();
        for (var i = 0; i < count; i++)
        {
            steps.Add(new Step(messages[i].SentAt + TimeSpan.FromSeconds(random.Next(0, 16)), Kind.Sent, i));
            if (random.Next(4) == 0) { steps.Add(new Step(messages[i].SentAt + TimeSpan.FromSeconds(random.Next(0, 200)), Kind.Sent, i)); }
            if (random.Next(2) == 0) { steps.Add(new Step(messages[i].SentAt + TimeSpan.FromSeconds(random.Next(0, 121)), Kind.Read, i)); }
        }

        for (var at = TimeSpan.Zero; at <= TimeSpan.FromSeconds(300); at += PassEvery) { steps.Add(new Step(at, Kind.Pass, -1)); }
        // Same instant: events before the pass, in a random order.
        var timeline = steps.Select(s => (Step: s, Tie: random.Next())).OrderBy(x => x.Step.At).ThenBy(x => x.Step.Kind == Kind.Pass).ThenBy(x => x.Tie).Select(x => x.Step).ToList();

        // The model: a message is pending once its first message.sent has arrived and no read has; a pass tells every
        // pending message whose grace ended, one notification per conversation; a read or told message stays so.
        var start = fx.Clock.GetUtcNow();
        var state = new string?[count]; // null: nothing yet; "pending", "read", "told"
        var expectedNotifications = 0;
        foreach (var step in timeline)
        {
            fx.Clock.SetUtcNow(start + step.At);
            var (id, conversation, sentAt) = step.Message >= 0 ? messages[step.Message] : default;
            switch (step.Kind)
            {
                case Kind.Sent:
                    (await fx.DeliverAsync("message.sent", MessageNoticeFixture.Sent(id, conversation, sender, recipient, start + sentAt, $"m{step.Message}"))).Should().Be("SUCCESS");
                    state[step.Message] ??= "pending";
                    break;
                case Kind.Read:
                    (await fx.DeliverAsync("message.read", MessageNoticeFixture.Read(conversation, recipient, start + step.At, id))).Should().Be("SUCCESS");
                    if (state[step.Message] is null or "pending") { state[step.Message] = "read"; }
                    break;
                default:
                    var due = Enumerable.Range(0, count).Where(i => state[i] == "pending" && messages[i].SentAt + MessageNoticeFixture.Grace <= step.At).ToList();
                    expectedNotifications += due.Select(i => messages[i].Conversation).Distinct().Count();
                    due.ForEach(i => state[i] = "told");
                    await fx.DispatchAllDueAsync();
                    break;
            }
        }

        var ids = messages.Select(m => m.Id).ToList();
        var notices = await fx.Factory.WithDbAsync(db => db.MessageNotices.AsNoTracking().Where(n => ids.Contains(n.MessageId)).ToDictionaryAsync(n => n.MessageId));
        var told = await fx.NotificationsOfAsync(recipient);
        var expectedTold = Enumerable.Range(0, count).Where(i => state[i] == "told").Select(i => messages[i].Id).ToList();
        notices.Values.Where(n => n.Status == MessageNoticeStatus.Delivered).Select(n => n.MessageId).Should().BeEquivalentTo(expectedTold, "seed {0}: the told messages", seed);
        notices.Values.Should().OnlyContain(n => n.Status != MessageNoticeStatus.Pending, "seed {0}: by the end every message is told or read", seed);
        told.Should().HaveCount(expectedNotifications, "seed {0}: one notification per conversation per pass", seed);
        told.Select(n => n.Id).Should().BeEquivalentTo(notices.Values.Where(n => n.NotificationId is not null).Select(n => n.NotificationId!.Value).Distinct(), "seed {0}: each told message in exactly one notification", seed);
        fx.Clock.SetUtcNow(start + TimeSpan.FromSeconds(301));
    }
}
