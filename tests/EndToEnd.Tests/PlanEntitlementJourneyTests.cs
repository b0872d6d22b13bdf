using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// The channel limit of an owner's plan through the gateway (issue 18): free allows one channel; <c>plan.changed</c> to pro
/// (published through a sidecar's publish API, as payments' outbox would) lets a second register; back to free pauses the
/// newest, which stays listed as paused, and notifications tells the owner.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PlanEntitlementJourneyTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Free_allows_one_channel_pro_a_second_and_back_to_free_the_newest_is_paused_and_the_owner_told()
    {
        var (ownerId, token) = await platform.RegisterAndLogInAsync("channel-owner");
        var first = await RegisterAsync(token, NewUsername("plan_first"));
        first.StatusCode.Should().Be(HttpStatusCode.Created, first.Body.GetRawText());
        var firstId = first.Body.GetProperty("id").GetGuid();
        var second = NewUsername("plan_second");

        var refused = await RegisterAsync(token, second);
        refused.StatusCode.Should().Be(HttpStatusCode.PaymentRequired, refused.Body.GetRawText());
        (refused.Body.GetProperty("limit").GetString(), refused.Body.GetProperty("plan").GetString(), refused.Body.GetProperty("allowed").GetInt32(), refused.Body.GetProperty("liftedBy").GetString())
            .Should().Be(("maxChannels", "free", 1, "pro"));

        await PublishPlanChangedAsync(ownerId, "pro", version: 1, "subscribed");
        // channels applies plan.changed moments after the publish; until then the registration is still refused, writing nothing.
        var registered = await Eventually.UntilAsync(
            "the second channel to register under pro",
            _ => RegisterAsync(token, second),
            r => r.StatusCode != HttpStatusCode.PaymentRequired,
            Patience,
            r => ((int)r.StatusCode).ToString(CultureInfo.InvariantCulture),
            interval: TimeSpan.FromMilliseconds(500));
        registered.StatusCode.Should().Be(HttpStatusCode.Created, registered.Body.GetRawText());
        var secondId = registered.Body.GetProperty("id").GetGuid();

        await PublishPlanChangedAsync(ownerId, "free", version: 2, "downgraded");

        var paused = await Eventually.UntilAsync(
            "the newest channel to be paused",
            _ => ReadChannelAsync(token, secondId),
            c => c.GetProperty("status").GetString() == "paused",
            Patience,
            c => c.GetRawText(),
            interval: TimeSpan.FromMilliseconds(500));
        paused.GetProperty("pausedReason").GetString().Should().Be("plan-limit");
        (await ReadChannelAsync(token, firstId)).GetProperty("status").GetString().Should().Be("active", "the oldest channel is kept active");

        var notices = await Eventually.UntilAsync(
            "the owner's notices about the pause and the plan",
            _ => NoticesAsync(token),
            n => n.Any(k => k.Kind == "channel-paused") && n.Count(k => k.Kind == "plan-changed") == 2,
            Patience,
            n => string.Join(" | ", n),
            interval: TimeSpan.FromMilliseconds(500));
        notices.Single(n => n.Kind == "channel-paused").Title.Should().StartWith("Channel paused:");
        notices.Should().Contain(n => n.Kind == "plan-changed" && n.Title == "Payment overdue: moved to Free");
    }

    private Task PublishPlanChangedAsync(Guid ownerId, string plan, long version, string reason) =>
        PlanChanges.PublishAsync(platform, ownerId, plan, version, reason);

    private async Task<(HttpStatusCode StatusCode, JsonElement Body)> RegisterAsync(string token, string username)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Post, "/api/channels", token, new { telegram = "@" + username });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<JsonElement> ReadChannelAsync(string token, Guid id)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, $"/api/channels/{id}", token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<List<(string Kind, string Title)>> NoticesAsync(string token)
    {
        using var response = await PlatformFixture.SendAsync(platform.Gateway, HttpMethod.Get, "/api/notifications?pageSize=100", token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
            .Select(n => (n.GetProperty("kind").GetString()!, n.GetProperty("title").GetString()!)).ToList();
    }

    private static string NewUsername(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 13)];
}

/// <summary>Puts an owner on a plan as payments' outbox would announce it, until journeys subscribe through payments itself.</summary>
public static class PlanChanges
{
    public static async Task PublishAsync(PlatformFixture platform, Guid ownerId, string plan, long version, string reason)
    {
        ArgumentNullException.ThrowIfNull(platform);
        // The sidecar's publish API (POST /v1.0/publish/{pubsub}/{topic}) wraps the data in a CloudEvent as daprd does.
        using var response = await platform.GatewaySidecar.PostAsJsonAsync($"/v1.0/publish/pubsub/{PlanChangedEvents.Topic}", PlanChangedEvents.Data(ownerId, plan, version, reason));
        response.StatusCode.Should().Be(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }
}
