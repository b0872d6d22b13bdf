using System.Collections.Concurrent;
using DaprPlatform.Sidecar.Subscriptions;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sidecar.Tests.Subscriptions;

public sealed record UserRegistered(Guid UserId, string Email);

/// <summary>What the handler saw, so tests can assert on unwrapping.</summary>
public sealed class HandledEvents
{
    public ConcurrentQueue<(UserRegistered Data, CloudEventEnvelope Envelope, string? TraceId)> Items { get; } = new();
}

/// <summary>Answers by the email's local part: "retry@…" → RETRY, "drop@…" → DROP, "throw@…" → exception.</summary>
public sealed class UserRegisteredHandler(HandledEvents handled) : ITopicHandler<UserRegistered>
{
    public Task<TopicResponse> HandleAsync(UserRegistered data, CloudEventEnvelope envelope, CancellationToken ct)
    {
        handled.Items.Enqueue((data, envelope, System.Diagnostics.Activity.Current?.TraceId.ToString()));
        return data.Email switch
        {
            var e when e.StartsWith("retry@", StringComparison.Ordinal) => Task.FromResult(TopicResponse.Retry),
            var e when e.StartsWith("drop@", StringComparison.Ordinal) => Task.FromResult(TopicResponse.Drop),
            var e when e.StartsWith("throw@", StringComparison.Ordinal) => throw new InvalidOperationException("handler failed"),
            _ => Task.FromResult(TopicResponse.Success),
        };
    }
}

/// <summary>An app hosting the sidecar endpoints on a real Kestrel port.</summary>
public sealed class SubscriptionApp : IAsyncDisposable
{
    private readonly LoopbackApp _app;

    private SubscriptionApp(LoopbackApp app)
    {
        _app = app;
        Http = new HttpClient { BaseAddress = app.BaseAddress };
    }

    public HttpClient Http { get; }

    public HandledEvents Handled => _app.Services.GetRequiredService<HandledEvents>();

    public static async Task<SubscriptionApp> StartAsync(string? appApiToken = null, bool requireForAllRoutes = true)
    {
        var app = await LoopbackApp.StartAsync(
            app =>
            {
                app.UseAppApiToken(requireForAllRoutes);
                app.MapGet("/healthz", () => Results.Ok("live"));
                app.MapGet("/api/public", () => Results.Ok("public"));
                app.MapSidecarEndpoints();
            },
            configure: builder =>
            {
                builder.Services.AddSingleton<HandledEvents>();
                builder.Services.AddSidecarClient(o => o.AppApiToken = appApiToken);
                builder.Services.AddTopicHandler<UserRegistered, UserRegisteredHandler>("pubsub", "user.registered", "/events/user-registered", deadLetterTopic: "user.registered.dead");
                builder.Services.AddTopicHandler<string, TextHandler>("pubsub", "notes", "events/notes");
            });
        return new SubscriptionApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }

    public sealed class TextHandler : ITopicHandler<string>
    {
        public Task<TopicResponse> HandleAsync(string data, CloudEventEnvelope envelope, CancellationToken ct) =>
            Task.FromResult(data == "ok" ? TopicResponse.Success : TopicResponse.Drop);
    }
}
