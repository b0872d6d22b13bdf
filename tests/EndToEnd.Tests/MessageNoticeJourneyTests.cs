using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Notices of unread messages through the gateway on DevHost: messaging's <c>message.sent</c> and <c>message.read</c> reach
/// notifications over pub/sub, and its dispatcher tells the recipient of a message they did not read within the grace
/// (<see cref="PlatformFixture.MessageGracePeriod"/>, short in this run) — in the app and on Telegram (DevHost's stand-in)
/// when they chose it — and never of one they read in time, nor twice of any.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class MessageNoticeJourneyTests(PlatformFixture platform)
{
    private const string MessageReceived = "message-received";

    private static readonly TimeSpan NoticeTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_unread_message_is_told_once_after_the_grace_in_the_app_and_on_telegram_and_one_read_in_time_never()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 3000);
        var chatId = await PreferTelegramAsync(tutor);
        var student = await market.NewStudentAsync();
        var conversation = await StartConversationAsync(student, tutor);

        var unread = await SendAsync(student, conversation, $"Unread question {Guid.NewGuid():N}");
        var told = await WaitForNoticesAsync(tutor, n => n.Count >= 1);
        told.Should().ContainSingle("one unread message is one notice");
        told[0].GetProperty("title").GetString().Should().Be("New message from Journey User");
        told[0].GetProperty("body").GetString().Should().Be(unread.Text);
        told[0].GetProperty("createdAt").GetDateTimeOffset().Should().BeOnOrAfter(
            unread.SentAt + PlatformFixture.MessageGracePeriod - TimeSpan.FromMilliseconds(1), "nobody is told before the grace has passed (Postgres keeps microseconds)");
        var telegram = await WaitForTelegramAsync(chatId, m => m.Count >= 1);
        telegram.Should().ContainSingle().Which.Should().Be($"New message from Journey User\n{unread.Text}");

        // Read at once: never told. The next unread message, due later, shows the dispatcher has passed the read one's due time.
        var readInTime = await SendAsync(student, conversation, $"Read at once {Guid.NewGuid():N}");
        await ReadAsync(tutor, readInTime.Id);
        var later = await SendAsync(student, conversation, $"Unread follow-up {Guid.NewGuid():N}");
        told = await WaitForNoticesAsync(tutor, n => n.Count >= 2);
        told.Select(n => n.GetProperty("body").GetString()).Should().Equal(new[] { later.Text, unread.Text }, "newest first; the message read in time is told nowhere");
        told[0].GetProperty("title").GetString().Should().Be("New message from Journey User");
        await WaitForTelegramAsync(chatId, m => m.Count >= 2);

        // Another dispatcher pass (and then some) later, nothing was told again.
        await Task.Delay(PlatformFixture.MessageNoticePollInterval * 2);
        (await NoticesAsync(tutor)).Select(n => n.GetProperty("body").GetString()).Should().Equal(later.Text, unread.Text);
        (await TelegramAsync(chatId)).Should().Equal($"New message from Journey User\n{unread.Text}", $"New message from Journey User\n{later.Text}");
        (await NoticesAsync(student)).Should().BeEmpty("the sender is never told of their own messages");
    }

    [Fact]
    public async Task Messages_sent_in_a_burst_are_told_together_each_once()
    {
        var market = new Marketplace(platform);
        var tutor = await market.NewTutorAsync(hourlyRate: 3000);
        var student = await market.NewStudentAsync();
        var conversation = await StartConversationAsync(student, tutor);

        List<SentMessage> burst = [];
        foreach (var part in new[] { "first", "second", "third" })
        {
            burst.Add(await SendAsync(student, conversation, $"Burst {part} {Guid.NewGuid():N}"));
        }

        // The dispatcher groups what comes due at the same pass, and its passes are a poll interval apart: a burst whose
        // grace ends within one interval is told in at most two notices, so at least two of three messages share one.
        (burst[^1].SentAt - burst[0].SentAt).Should().BeLessThan(PlatformFixture.MessageNoticePollInterval, "the burst's premise: sent within one dispatcher interval");
        var told = await WaitForNoticesAsync(tutor, n => Previews(n).Count >= burst.Count);
        Previews(told).Should().BeEquivalentTo(burst.Select(m => m.Text), "each message of the burst is told exactly once");
        told.Should().HaveCountLessThanOrEqualTo(2);
        var grouped = told.Should().ContainSingle(n => n.GetProperty("title").GetString()!.EndsWith("new messages from Journey User", StringComparison.Ordinal)).Subject;
        var groupedPreviews = grouped.GetProperty("body").GetString()!.Split('\n');
        grouped.GetProperty("title").GetString().Should().Be($"{groupedPreviews.Length.ToString(CultureInfo.InvariantCulture)} new messages from Journey User");
        groupedPreviews.Should().BeSubsetOf(burst.Select(m => m.Text));
        groupedPreviews.Select(p => burst.FindIndex(m => m.Text == p)).Should().BeInAscendingOrder("a notice lists its messages oldest first");

        await Task.Delay(PlatformFixture.MessageNoticePollInterval * 2);
        Previews(await NoticesAsync(tutor)).Should().BeEquivalentTo(burst.Select(m => m.Text), "nothing is told twice");
    }

    private sealed record SentMessage(Guid Id, string Text, DateTimeOffset SentAt);

    /// <summary>The previews every notice carries (one a line, oldest first).</summary>
    private static List<string> Previews(IEnumerable<JsonElement> notices) =>
        notices.SelectMany(n => n.GetProperty("body").GetString()!.Split('\n')).ToList();

    /// <summary>The tutor chooses Telegram too, with a private chat of their own in the stand-in; returns its id.</summary>
    private async Task<long> PreferTelegramAsync(MarketUser user)
    {
        var chatId = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Put, "/api/notifications/preferences", user.Token,
            new { inApp = true, telegram = true, email = false, telegramChatId = chatId.ToString(CultureInfo.InvariantCulture) });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return chatId;
    }

    private async Task<Guid> StartConversationAsync(MarketUser student, MarketUser tutor)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/conversations", student.Token, new { tutorId = tutor.Id });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<SentMessage> SendAsync(MarketUser from, Guid conversation, string text)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/conversations/{conversation}/messages", from.Token, new { text });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new SentMessage(message.GetProperty("id").GetGuid(), text, message.GetProperty("sentAt").GetDateTimeOffset());
    }

    private async Task ReadAsync(MarketUser by, Guid message)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Patch, $"/api/messages/{message}/read", by.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The user's "new message" notifications, newest first.</summary>
    private async Task<List<JsonElement>> NoticesAsync(MarketUser user)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/notifications?pageSize=100", user.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
            .Where(n => n.GetProperty("kind").GetString() == MessageReceived).ToList();
    }

    private Task<List<JsonElement>> WaitForNoticesAsync(MarketUser user, Func<List<JsonElement>, bool> done) =>
        Eventually.UntilAsync("message notices", _ => NoticesAsync(user), done, NoticeTimeout,
            n => string.Join(" | ", n.Select(e => e.GetRawText())), interval: TimeSpan.FromMilliseconds(250));

    /// <summary>The texts the stand-in's bot sent to the chat about messages (a welcome may be there too), oldest first.</summary>
    private async Task<List<string>> TelegramAsync(long chatId)
    {
        var sent = await platform.TelegramStandIn.GetFromJsonAsync<JsonElement>($"/standin/messages?chatId={chatId}");
        return sent.EnumerateArray().Select(m => m.GetProperty("text").GetString()!)
            .Where(t => t.StartsWith("New message from", StringComparison.Ordinal) || t.Contains(" new messages from ", StringComparison.Ordinal)).ToList();
    }

    private Task<List<string>> WaitForTelegramAsync(long chatId, Func<List<string>, bool> done) =>
        Eventually.UntilAsync("Telegram message notices", _ => TelegramAsync(chatId), done, NoticeTimeout,
            m => string.Join(" | ", m), interval: TimeSpan.FromMilliseconds(250));
}
