using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Reports.Domain;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Reports.Tests;

/// <summary>Share links: used, protected by a password with limited attempts, expired, revoked; dashboards show only the summary.</summary>
[Collection(ReportsAppCollection.Name)]
public sealed class ShareTests(ReportsApp app)
{
    [Fact]
    public async Task A_password_link_to_a_pdf_is_refused_without_or_with_a_wrong_password_then_served_stamped_and_counted()
    {
        var (owner, exportId) = await CompletedExportAsync("pdf", "Petra Sharer");
        var share = await CreateShareAsync(owner, $"/api/reports/exports/{exportId}/shares", new { expiresAt = app.Clock.GetUtcNow().AddDays(7), password = "correct horse" });
        var url = share.GetProperty("url").GetString()!;
        url.Should().StartWith(ReportsApp.PublicBaseUrl + "/api/shared/");
        var token = url[(url.LastIndexOf('/') + 1)..];
        token.Should().MatchRegex("^[A-Za-z0-9_-]{43}$", "256 random bits in base64url");
        using var visitor = app.Anonymous();

        using (var missing = await visitor.GetAsync($"/api/shared/{token}"))
        {
            missing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await missing.ReadProblemAsync()).GetProperty("detail").GetString().Should().Contain("X-Share-Password");
        }

        using (var wrong = await GetSharedAsync(visitor, token, "wrong horse"))
        {
            wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var served = await GetSharedAsync(visitor, token, "correct horse");
        served.StatusCode.Should().Be(HttpStatusCode.OK);
        served.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        var text = await PdfFiles.TextAsync(await served.Content.ReadAsByteArrayAsync());
        text.Should().Contain("Petra Sharer").And.Contain($"Shared via {url}");

        var listed = await ListedAsync(owner, share.GetProperty("id").GetGuid());
        listed.GetProperty("viewCount").GetInt64().Should().Be(1, "only the served request counts");
        listed.GetProperty("hasPassword").GetBoolean().Should().BeTrue();
        listed.GetProperty("revoked").GetBoolean().Should().BeFalse();
        listed.GetProperty("expired").GetBoolean().Should().BeFalse();
        listed.TryGetProperty("url", out _).Should().BeFalse("only the token's hash is kept");
    }

    [Fact]
    public async Task Wrong_passwords_are_limited_per_link_and_the_window_passing_lets_the_right_one_in()
    {
        var (owner, exportId) = await CompletedExportAsync("csv");
        var share = await CreateShareAsync(owner, $"/api/reports/exports/{exportId}/shares", new { expiresAt = app.Clock.GetUtcNow().AddDays(30), password = "s3cret-pass" });
        var token = TokenOf(share);
        using var visitor = app.Anonymous();
        for (var i = 0; i < ShareLink.MaxFailedAttempts; i++)
        {
            using var wrong = await GetSharedAsync(visitor, token, $"guess-{i:D4}");
            wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var locked = await GetSharedAsync(visitor, token, "s3cret-pass"))
        {
            locked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "even the right password waits once the attempts are used up");
            locked.Headers.RetryAfter.Should().NotBeNull();
            (await locked.ReadProblemAsync()).GetProperty("status").GetInt32().Should().Be(429);
        }

        app.Clock.Advance(ShareLink.AttemptWindow);
        using var served = await GetSharedAsync(visitor, token, "s3cret-pass");
        served.StatusCode.Should().Be(HttpStatusCode.OK);
        served.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        (await served.Content.ReadAsStringAsync()).Should().StartWith("hour,views,");
    }

    [Fact]
    public async Task Parallel_wrong_guesses_each_count_so_no_more_than_the_limit_are_ever_tried()
    {
        var (owner, exportId) = await CompletedExportAsync("csv");
        var share = await CreateShareAsync(owner, $"/api/reports/exports/{exportId}/shares", new { expiresAt = app.Clock.GetUtcNow().AddDays(1), password = "parallel-pass" });
        var token = TokenOf(share);
        using var visitor = app.Anonymous();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var response = await GetSharedAsync(visitor, token, $"wrong-guess-{i:D2}");
            return response.StatusCode;
        }));

        answers.Count(a => a == HttpStatusCode.Unauthorized).Should().Be(ShareLink.MaxFailedAttempts, string.Join(", ", answers));
        answers.Count(a => a == HttpStatusCode.TooManyRequests).Should().Be(12 - ShareLink.MaxFailedAttempts);
    }

    [Fact]
    public async Task An_expired_link_is_410_and_a_revoked_one_404_and_revoking_again_is_harmless()
    {
        var (owner, exportId) = await CompletedExportAsync("csv");
        var expiring = await CreateShareAsync(owner, $"/api/reports/exports/{exportId}/shares", new { expiresAt = app.Clock.GetUtcNow().AddHours(1) });
        var revoked = await CreateShareAsync(owner, $"/api/reports/exports/{exportId}/shares", new { expiresAt = app.Clock.GetUtcNow().AddDays(3) });
        using var visitor = app.Anonymous();
        (await visitor.GetAsync($"/api/shared/{TokenOf(expiring)}")).StatusCode.Should().Be(HttpStatusCode.OK);

        using (var revoke = await owner.DeleteAsync($"/api/reports/shares/{revoked.GetProperty("id").GetGuid()}"))
        {
            revoke.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        (await owner.DeleteAsync($"/api/reports/shares/{revoked.GetProperty("id").GetGuid()}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        using (var someoneElse = app.Owner(Guid.NewGuid()))
        {
            (await someoneElse.DeleteAsync($"/api/reports/shares/{expiring.GetProperty("id").GetGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        (await visitor.GetAsync($"/api/shared/{TokenOf(revoked)}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        app.Clock.Advance(TimeSpan.FromHours(1));
        using var gone = await visitor.GetAsync($"/api/shared/{TokenOf(expiring)}");
        gone.StatusCode.Should().Be(HttpStatusCode.Gone);
        (await ListedAsync(owner, expiring.GetProperty("id").GetGuid())).GetProperty("expired").GetBoolean().Should().BeTrue();
        (await ListedAsync(owner, revoked.GetProperty("id").GetGuid())).GetProperty("revoked").GetBoolean().Should().BeTrue();
        (await ListedAsync(owner, expiring.GetProperty("id").GetGuid())).GetProperty("viewCount").GetInt64().Should().Be(1);
    }

    [Fact]
    public async Task A_dashboard_link_shows_the_channels_summary_and_nothing_of_its_owner()
    {
        var ownerId = Guid.NewGuid();
        var channelId = app.AddChannel(ownerId, ReportsApp.SteadyHour, "Dash Channel");
        using var owner = app.Owner(ownerId);
        using (var notTheirs = app.Owner(Guid.NewGuid()))
        using (var refused = await notTheirs.PostAsJsonAsync("/api/reports/shares", new { channelId, kind = "dashboard", expiresAt = app.Clock.GetUtcNow().AddDays(1) }))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.NotFound, "analytics does not know the channel as the caller's");
        }

        var share = await CreateShareAsync(owner, "/api/reports/shares", new { channelId, kind = "dashboard", expiresAt = app.Clock.GetUtcNow().AddDays(1) });
        share.GetProperty("kind").GetString().Should().Be("dashboard");

        using var visitor = app.Anonymous();
        var view = await visitor.GetFromJsonAsync<JsonElement>($"/api/shared/{TokenOf(share)}");
        view.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(
            ["kind", "channelTitle", "period", "from", "to", "totals", "subscribers", "subscriberGrowth", "engagementRate", "postsPerDay", "linkExpiresAt"]);
        view.GetProperty("channelTitle").GetString().Should().Be("Dash Channel");
        view.GetProperty("totals").GetProperty("views").GetInt64().Should().Be(2400);
        view.ToString().Should().NotContain(ownerId.ToString()).And.NotContain(channelId.ToString());
    }

    [Fact]
    public async Task A_removed_channel_revokes_its_links()
    {
        var ownerId = Guid.NewGuid();
        var channelId = app.AddChannel(ownerId, ReportsApp.SteadyHour);
        using var owner = app.Owner(ownerId);
        var share = await CreateShareAsync(owner, "/api/reports/shares", new { channelId, kind = "dashboard", expiresAt = app.Clock.GetUtcNow().AddDays(1) });
        using var delivery = app.Host.App.CreateClient();
        using var envelope = CloudEventDelivery.Envelope(Guid.NewGuid().ToString(), new { channelId, removedAt = app.Clock.GetUtcNow() }, "channel.removed", "channels");
        (await delivery.DeliverAsync("/events/channel-removed", envelope)).Should().Be("SUCCESS");

        using var visitor = app.Anonymous();
        (await visitor.GetAsync($"/api/shared/{TokenOf(share)}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task<(HttpClient Owner, Guid ExportId)> CompletedExportAsync(string format, string name = "Olga Owner")
    {
        var ownerId = Guid.NewGuid();
        var channelId = app.AddChannel(ownerId, ReportsApp.SteadyHour);
        var owner = app.Owner(ownerId, name);
        var (_, to) = app.LastDays(1);
        var id = await ReportsApp.StartExportAsync(owner, channelId, to.AddDays(-2), to, format);
        (await ReportsApp.EndedAsync(owner, id)).GetProperty("status").GetString().Should().Be("completed");
        return (owner, id);
    }

    private static async Task<JsonElement> CreateShareAsync(HttpClient owner, string path, object body)
    {
        using var response = await owner.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string TokenOf(JsonElement share)
    {
        var url = share.GetProperty("url").GetString()!;
        return url[(url.LastIndexOf('/') + 1)..];
    }

    private static async Task<HttpResponseMessage> GetSharedAsync(HttpClient visitor, string token, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/shared/{token}");
        request.Headers.Add("X-Share-Password", password);
        return await visitor.SendAsync(request);
    }

    private static async Task<JsonElement> ListedAsync(HttpClient owner, Guid shareId)
    {
        var page = await owner.GetFromJsonAsync<JsonElement>("/api/reports/shares?pageSize=100");
        return page.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == shareId);
    }
}
