using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Tests;

public sealed class NotificationsApiTests(NotificationsFixture fx) : IClassFixture<NotificationsFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly NotificationsFactory _app = fx.Factory;

    private async Task<List<Notification>> SeedAsync(Guid userId, int count)
    {
        var created = Enumerable.Range(0, count)
            .Select(i => Notification.Create(userId, "test", $"n{i}", "body", T0.AddMinutes(i)))
            .ToList();
        await _app.WithDbAsync(async db =>
        {
            db.Notifications.AddRange(created);
            return await db.SaveChangesAsync();
        });
        return created;
    }

    [Fact]
    public async Task List_is_own_newest_first_and_paged()
    {
        var me = Guid.NewGuid();
        await SeedAsync(me, 5);
        await SeedAsync(Guid.NewGuid(), 3);
        using var client = _app.CreateClientFor(me);

        var first = await client.GetFromJsonAsync<JsonElement>("/api/notifications?page=1&pageSize=2");
        var third = await client.GetFromJsonAsync<JsonElement>("/api/notifications?page=3&pageSize=2");
        var beyond = await client.GetFromJsonAsync<JsonElement>("/api/notifications?page=4&pageSize=2");

        first.GetProperty("total").GetInt32().Should().Be(5);
        first.GetProperty("page").GetInt32().Should().Be(1);
        first.GetProperty("pageSize").GetInt32().Should().Be(2);
        Titles(first).Should().Equal("n4", "n3");
        Titles(third).Should().Equal("n0");
        Titles(beyond).Should().BeEmpty();
    }

    [Fact]
    public async Task List_defaults_to_first_page_of_twenty()
    {
        var me = Guid.NewGuid();
        await SeedAsync(me, 25);
        using var client = _app.CreateClientFor(me);

        var page = await client.GetFromJsonAsync<JsonElement>("/api/notifications");

        page.GetProperty("page").GetInt32().Should().Be(1);
        page.GetProperty("pageSize").GetInt32().Should().Be(20);
        page.GetProperty("items").GetArrayLength().Should().Be(20);
        page.GetProperty("total").GetInt32().Should().Be(25);
    }

    [Fact]
    public async Task Read_marks_own_notification_and_hides_others()
    {
        var me = Guid.NewGuid();
        var mine = (await SeedAsync(me, 1))[0];
        var theirs = (await SeedAsync(Guid.NewGuid(), 1))[0];
        using var client = _app.CreateClientFor(me);

        using var ok = await client.PostAsync($"/api/notifications/{mine.Id}/read", null);
        using var again = await client.PostAsync($"/api/notifications/{mine.Id}/read", null);
        using var other = await client.PostAsync($"/api/notifications/{theirs.Id}/read", null);
        using var missing = await client.PostAsync($"/api/notifications/{Guid.NewGuid()}/read", null);

        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("isRead").GetBoolean().Should().BeTrue();
        again.StatusCode.Should().Be(HttpStatusCode.OK, "reading twice is idempotent");
        other.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await other.ReadProblemAsync();
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _app.WithDbAsync(db => db.Notifications.SingleAsync(n => n.Id == theirs.Id))).ReadAt.Should().BeNull();
    }

    [Fact]
    public async Task Read_all_marks_only_own_unread()
    {
        var me = Guid.NewGuid();
        var other = Guid.NewGuid();
        var mine = await SeedAsync(me, 3);
        await SeedAsync(other, 2);
        using var client = _app.CreateClientFor(me);
        (await client.PostAsync($"/api/notifications/{mine[0].Id}/read", null)).EnsureSuccessStatusCode();

        using var response = await client.PostAsync("/api/notifications/read-all", null);
        using var again = await client.PostAsync("/api/notifications/read-all", null);

        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("updated").GetInt32().Should().Be(2);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("updated").GetInt32().Should().Be(0);
        (await _app.WithDbAsync(db => db.Notifications.CountAsync(n => n.UserId == other && n.ReadAt != null))).Should().Be(0);
    }

    [Fact]
    public async Task Unread_count_is_own_unread_only_and_follows_reads()
    {
        var me = Guid.NewGuid();
        var mine = await SeedAsync(me, 3);
        await SeedAsync(Guid.NewGuid(), 4);
        using var client = _app.CreateClientFor(me);
        using var stranger = _app.CreateClientFor(Guid.NewGuid());

        var before = await client.GetFromJsonAsync<JsonElement>("/api/notifications/unread-count");
        (await client.PostAsync($"/api/notifications/{mine[1].Id}/read", null)).EnsureSuccessStatusCode();
        var afterOne = await client.GetFromJsonAsync<JsonElement>("/api/notifications/unread-count");
        (await client.PostAsync("/api/notifications/read-all", null)).EnsureSuccessStatusCode();
        var afterAll = await client.GetFromJsonAsync<JsonElement>("/api/notifications/unread-count");
        var nobody = await stranger.GetFromJsonAsync<JsonElement>("/api/notifications/unread-count");

        before.GetProperty("unread").GetInt32().Should().Be(3, "another person's notifications do not count");
        afterOne.GetProperty("unread").GetInt32().Should().Be(2);
        afterAll.GetProperty("unread").GetInt32().Should().Be(0);
        nobody.GetProperty("unread").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task Preferences_default_then_update_round_trips()
    {
        var me = Guid.NewGuid();
        using var client = _app.CreateClientFor(me);

        var defaults = await client.GetFromJsonAsync<JsonElement>("/api/notifications/preferences");
        using var put = await client.PutAsJsonAsync("/api/notifications/preferences", new { inApp = false, telegram = true, email = true, telegramChatId = "@ada_lovelace" });
        var updated = await client.GetFromJsonAsync<JsonElement>("/api/notifications/preferences");
        using var off = await client.PutAsJsonAsync("/api/notifications/preferences", new { inApp = true, telegram = false, email = false });

        defaults.GetProperty("inApp").GetBoolean().Should().BeTrue();
        defaults.GetProperty("telegram").GetBoolean().Should().BeFalse();
        defaults.GetProperty("email").GetBoolean().Should().BeFalse();
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        updated.GetProperty("inApp").GetBoolean().Should().BeFalse();
        updated.GetProperty("telegram").GetBoolean().Should().BeTrue();
        updated.GetProperty("email").GetBoolean().Should().BeTrue();
        updated.GetProperty("telegramChatId").GetString().Should().Be("@ada_lovelace");
        off.StatusCode.Should().Be(HttpStatusCode.OK);
        (await _app.WithDbAsync(db => db.Preferences.SingleAsync(p => p.UserId == me))).Telegram.Should().BeFalse();
    }

    private static IEnumerable<string> Titles(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!);
}
