using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.Messaging.Tests;

/// <summary>The send rate and the edit window, on an app without a sidecar whose clock the test moves.</summary>
public sealed class LimitsTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new("msglim");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private ServiceFactory<Program, MessagingDbContext> _factory = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _factory = new ServiceFactory<Program, MessagingDbContext>(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:messaging"] = _database.ConnectionString,
                ["Messaging:Limits:SendsPerWindow"] = "3",
                ["Messaging:Limits:SendWindow"] = "00:01:00",
                ["Messaging:Limits:EditWindow"] = "00:15:00",
                ["Messaging:Limits:MaxTextLength"] = "10",
            },
            services => services.AddSingleton<TimeProvider>(_clock));
        _ = _factory.Server;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Over_the_send_rate_is_429_with_retry_after_and_nothing_written()
    {
        var (conversation, student, _) = await SeedAsync();
        using var client = _factory.CreateClientFor(student, PlatformRoles.Student);
        for (var i = 0; i < 3; i++)
        {
            (await client.PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { text = $"m{i}" })).StatusCode.Should().Be(HttpStatusCode.Created);
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        using var refused = await client.PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { text = "m3" });

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(30), "the first of the three leaves the minute 30 s from now");
        var problem = await refused.ReadProblemAsync();
        problem.GetProperty("type").GetString().Should().Be("https://daprplatform.dev/problems/too-many-messages");
        (await _factory.WithDbAsync(db => db.Messages.CountAsync())).Should().Be(3);
        (await _factory.WithDbAsync(db => db.OutboxMessages.CountAsync())).Should().Be(6, "each accepted message: message.sent and its live notice");

        _clock.Advance(TimeSpan.FromSeconds(30));
        (await client.PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { text = "m3" })).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_configured_text_length_and_edit_window_apply()
    {
        var (conversation, student, _) = await SeedAsync();
        using var client = _factory.CreateClientFor(student, PlatformRoles.Student);
        await client.ShouldRejectAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", "application/json", """{"text":"eleven chars"}""", 400, "text", "over the configured 10");
        using var sent = await client.PostAsJsonAsync($"/api/conversations/{conversation}/messages", new { text = "ten chars!" });
        var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        _clock.Advance(TimeSpan.FromMinutes(15));
        (await client.PatchAsJsonAsync($"/api/messages/{id}", new { text = "edited" })).StatusCode.Should().Be(HttpStatusCode.OK);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var problem = await client.ShouldRejectAsync(HttpMethod.Patch, $"/api/messages/{id}", "application/json", """{"text":"too late"}""", 409, null, "after the window");
        problem.GetProperty("type").GetString().Should().Be("https://daprplatform.dev/problems/edit-window-closed");
        (await _factory.WithDbAsync(db => db.Messages.SingleAsync(m => m.Id == id))).Text.Should().Be("edited");
    }

    [Fact]
    public async Task An_idle_live_stream_gets_a_keep_alive_comment_every_interval()
    {
        using var client = _factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Tutor);
        using var response = await client.GetAsync("/api/messaging/live", HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await reader.ReadLineAsync()).Should().Be(": connected");
        (await reader.ReadLineAsync()).Should().BeEmpty();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var next = reader.ReadLineAsync(deadline.Token).AsTask();
        while (!next.IsCompleted && !deadline.IsCancellationRequested)
        {
            // The stream may start its idle timer just after an advance: keep moving the clock until it writes.
            _clock.Advance(TimeSpan.FromSeconds(15));
            await Task.WhenAny(next, Task.Delay(100));
        }

        (await next).Should().Be(": keep-alive");
    }

    private async Task<(Guid Conversation, Guid Student, Guid Tutor)> SeedAsync()
    {
        var (student, tutor) = (Guid.NewGuid(), Guid.NewGuid());
        var conversation = Conversation.Start(student, "Ada", tutor, "Grace", null, _clock.GetUtcNow());
        await _factory.WithDbAsync(async db =>
        {
            db.Conversations.Add(conversation);
            return await db.SaveChangesAsync();
        });
        return (conversation.Id, student, tutor);
    }
}
