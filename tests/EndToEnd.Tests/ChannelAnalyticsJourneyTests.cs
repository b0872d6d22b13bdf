using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.DevHost;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// The AnalyticBot half through the gateway: a channel owner registers a channel (verified by DevHost's Telegram
/// stand-in), posts metric batches, reads exact real-time totals, and reads them again after the analytics app restarts.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ChannelAnalyticsJourneyTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private sealed record Totals(long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves, long? Subscribers, double EngagementRate);

    [Fact]
    public async Task Owner_registers_a_channel_posts_batches_with_a_redelivered_sample_and_reads_exact_totals_before_and_after_an_analytics_restart()
    {
        var (ownerId, token) = await platform.RegisterAndLogInAsync("channel-owner");
        var username = NewUsername("journey");
        var chat = await ShapeStandInChatAsync(username, "Journey Channel", memberCount: 1234);

        var channel = await RegisterChannelAsync(token, "@" + username);
        channel.GetProperty("title").GetString().Should().Be("Journey Channel");
        channel.GetProperty("subscribers").GetInt32().Should().Be(1234);
        channel.GetProperty("telegramChatId").GetInt64().Should().Be(chat.GetProperty("id").GetInt64());
        channel.GetProperty("username").GetString().Should().Be("@" + username);
        channel.GetProperty("ownerId").GetGuid().Should().Be(ownerId);
        var channelId = channel.GetProperty("id").GetGuid();

        var now = DateTimeOffset.UtcNow;
        var first = new[]
        {
            Sample("s1", "views", 100, now.AddMinutes(-3)),
            Sample("s2", "reactions", 7, now.AddMinutes(-3)),
            Sample("s3", "forwards", 3, now.AddMinutes(-3)),
            Sample("s4", "posts", 1, now.AddMinutes(-3)),
            Sample("s5", "subscribers", 1234, now.AddMinutes(-3)),
        };
        var second = new[]
        {
            Sample("s6", "views", 50, now.AddMinutes(-2)),
            Sample("s7", "joins", 4, now.AddMinutes(-2)),
            Sample("s8", "leaves", 1, now.AddMinutes(-2)),
            Sample("s9", "reactions", 2, now.AddMinutes(-2)),
        };
        var third = new[]
        {
            // s1 again, as a collector's retry would send it: counted once.
            first[0],
            Sample("s10", "views", 25, now.AddMinutes(-1)),
            Sample("s11", "forwards", 5, now.AddMinutes(-1)),
            Sample("s12", "subscribers", 1240, now.AddMinutes(-1)),
        };
        foreach (var batch in new[] { first, second, third })
        {
            using var posted = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, $"/api/channels/{channelId}/metrics", token, new { samples = batch });
            posted.StatusCode.Should().Be(HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
            (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().Should().Be(batch.Length);
        }

        // views 100+50+25, reactions 7+2, forwards 3+5, the latest subscriber reading, (reactions + forwards) / views.
        var expected = new Totals(175, 9, 8, 1, 4, 1, 1240, 17d / 175);
        var before = await Eventually.UntilAsync(
            "the realtime view to hold all three batches",
            _ => ReadRealtimeAsync(token, channelId),
            read => read == expected,
            Patience,
            read => read?.ToString() ?? "no realtime view yet",
            interval: TimeSpan.FromMilliseconds(500));
        before.Should().Be(expected);

        // The actor saves its state on its flush reminder, writing the hourly rollups in the same turn; once the rollups
        // hold everything, the flush that follows the third batch has run and the restart cannot lose samples.
        await Eventually.UntilAsync(
            "the actor's flush (hourly rollups with every sample)",
            _ => RollupTotalsAsync(channelId),
            rollups => rollups == (expected.Views, expected.Reactions, expected.Forwards, expected.Posts, expected.Joins, expected.Leaves),
            Patience,
            rollups => rollups.ToString(),
            interval: TimeSpan.FromMilliseconds(500));

        await platform.RestartAppAsync("analytics");

        var after = await Eventually.UntilAsync(
            "the realtime view after the restart",
            _ => ReadRealtimeAsync(token, channelId),
            read => read is not null,
            Patience,
            _ => "no realtime view yet",
            interval: TimeSpan.FromMilliseconds(500));
        after.Should().Be(expected, "the actor restores its flushed state on activation");
    }

    [Fact]
    public async Task Another_owner_gets_404_for_the_channel_and_its_analytics()
    {
        var (_, owner) = await platform.RegisterAndLogInAsync("channel-owner");
        var (_, stranger) = await platform.RegisterAndLogInAsync("channel-owner");
        var channelId = (await RegisterChannelAsync(owner, "@" + NewUsername("stranger"))).GetProperty("id").GetGuid();

        // The owner's read works once analytics has the channel, so the stranger's 404 is about ownership, not timing.
        await Eventually.UntilAsync(
            "analytics to know the channel",
            async _ =>
            {
                using var read = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/analytics/channels/{channelId}/realtime?minutes=60", owner);
                return read.StatusCode;
            },
            status => status == HttpStatusCode.OK,
            Patience,
            status => ((int)status).ToString(CultureInfo.InvariantCulture),
            interval: TimeSpan.FromMilliseconds(500));

        // Both services answer "not yours" exactly like "does not exist", so channel ids cannot be probed.
        foreach (var path in new[] { $"/api/analytics/channels/{channelId}/realtime?minutes=60", $"/api/channels/{channelId}" })
        {
            using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, path, stranger);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, path);
            await response.ReadProblemAsync();
        }
    }

    [Fact]
    public async Task Forged_webhook_secret_is_rejected_through_the_gateway_and_nothing_is_ingested()
    {
        var (_, owner) = await platform.RegisterAndLogInAsync("channel-owner");
        var chatId = (await RegisterChannelAsync(owner, "@" + NewUsername("webhook"))).GetProperty("telegramChatId").GetInt64();
        var updateId = Random.Shared.NextInt64(1, int.MaxValue);
        var update = new { update_id = updateId, channel_post = new { message_id = 1, chat = new { id = chatId, type = "channel" }, date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), views = 10 } };
        var processedBefore = await platform.CountRowsAsync("channels", "telegram_updates");

        // Telegram rule (setWebhook secret_token): the secret comes back in X-Telegram-Bot-Api-Secret-Token on every update.
        using var forged = await PostWebhookAsync(update, "forged-secret");
        forged.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await forged.ReadProblemAsync();
        (await platform.CountRowsAsync("channels", "telegram_updates")).Should().Be(processedBefore);

        // The same update as Telegram would deliver it, through the stand-in's webhook with the configured secret, is
        // ingested: so the count above could have moved.
        using var setWebhook = await platform.TelegramStandIn.PostAsJsonAsync(
            $"/bot{TelegramStandInOptions.DefaultBotToken}/setWebhook", new { url = "http://127.0.0.1:5000/api/telegram/webhook", secret_token = WebhookSecret() });
        setWebhook.StatusCode.Should().Be(HttpStatusCode.OK, await setWebhook.Content.ReadAsStringAsync());
        using var delivered = await platform.TelegramStandIn.PostAsJsonAsync("/standin/updates", update);
        delivered.StatusCode.Should().Be(HttpStatusCode.OK, await delivered.Content.ReadAsStringAsync());
        var delivery = await delivered.Content.ReadFromJsonAsync<JsonElement>();
        delivery.GetProperty("status").GetInt32().Should().Be(200, delivery.GetProperty("body").GetString());
        JsonDocument.Parse(delivery.GetProperty("body").GetString()!).RootElement.GetProperty("status").GetString().Should().Be("ingested");
        (await platform.CountRowsAsync("channels", "telegram_updates")).Should().Be(processedBefore + 1);
    }

    [Fact]
    public async Task Channel_the_stand_in_reports_as_not_found_gets_the_channels_service_validation_problem()
    {
        var (_, owner) = await platform.RegisterAndLogInAsync("channel-owner");
        var before = await platform.CountRowsAsync("channels", "channels");

        // Stand-in convention: @missing_* answers like Telegram for an unknown chat (400 "Bad Request: chat not found").
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/channels", owner, new { telegram = "@missing_x" });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ReadProblemAsync();
        problem.FieldErrors().Should().BeEquivalentTo(["telegram"]);
        problem.GetProperty("errors").GetProperty("telegram")[0].GetString().Should().Contain("chat not found");
        (await platform.CountRowsAsync("channels", "channels")).Should().Be(before);
    }

    private static object Sample(string id, string kind, long value, DateTimeOffset at) => new { id, kind, value, at };

    private static string NewUsername(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 13)];

    private static string WebhookSecret()
    {
        using var secrets = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "components", "secrets.dev.json")));
        return secrets.RootElement.GetProperty("telegram").GetProperty("webhookSecret").GetString()!;
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(object update, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegram/webhook") { Content = JsonContent.Create(update) };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        return await platform.Gateway.SendAsync(request);
    }

    /// <summary>Sets the stand-in chat's title and member count through its control API, so the expected values are known.</summary>
    private async Task<JsonElement> ShapeStandInChatAsync(string username, string title, int memberCount)
    {
        using var response = await platform.TelegramStandIn.PostAsJsonAsync("/standin/chats", new { username, title, memberCount });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> RegisterChannelAsync(string token, string telegram)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/channels", token, new { telegram });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<Totals?> ReadRealtimeAsync(string token, Guid channelId)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/analytics/channels/{channelId}/realtime?minutes=60", token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // 404 until channel.registered reaches analytics; 503 while the actor cannot be reached.
            response.StatusCode.Should().BeOneOf(HttpStatusCode.NotFound, HttpStatusCode.ServiceUnavailable);
            return null;
        }

        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        var totals = view.GetProperty("totals");
        var subscribers = view.GetProperty("subscribers");
        return new Totals(
            totals.GetProperty("views").GetInt64(),
            totals.GetProperty("reactions").GetInt64(),
            totals.GetProperty("forwards").GetInt64(),
            totals.GetProperty("posts").GetInt64(),
            totals.GetProperty("joins").GetInt64(),
            totals.GetProperty("leaves").GetInt64(),
            subscribers.ValueKind == JsonValueKind.Null ? null : subscribers.GetInt64(),
            view.GetProperty("engagementRate").GetDouble());
    }

    private async Task<(long Views, long Reactions, long Forwards, long Posts, long Joins, long Leaves)> RollupTotalsAsync(Guid channelId)
    {
        await using var connection = new NpgsqlConnection(platform.Host.GetAppConnectionString("analytics"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kind, sum(total)::bigint FROM hourly_rollups WHERE channel_id = @id GROUP BY kind", connection);
        command.Parameters.AddWithValue("id", channelId);
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) { sums[reader.GetString(0)] = reader.GetInt64(1); }
        }

        long Of(string kind) => sums.GetValueOrDefault(kind);
        return (Of("views"), Of("reactions"), Of("forwards"), Of("posts"), Of("joins"), Of("leaves"));
    }
}
