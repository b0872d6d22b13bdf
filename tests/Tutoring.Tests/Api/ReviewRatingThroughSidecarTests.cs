using Dapr.Client;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Tutoring.Tests.Api;

/// <summary>
/// The subscription as a sidecar sees it: tutoring behind its DevHost sidecar, review events published by the official SDK
/// (as reviews' outbox does) reach the projection through GET /dapr/subscribe, the CloudEvent envelope and the routes.
/// </summary>
public sealed class ReviewRatingThroughSidecarTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new("tutoring_sidecar");
    private SidecarAppHost<Program>? _host;

    private SidecarAppHost<Program> Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _host = await SidecarAppHost<Program>.StartAsync(new SidecarAppHostOptions
        {
            AppId = "tutoring",
            Prefix = "tutsc",
            Components = new Dictionary<string, string> { ["pubsub.yaml"] = ComponentYaml.RedisPubSub() },
            Settings = new Dictionary<string, string> { ["ConnectionStrings:tutoring"] = _database.ConnectionString },
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Review_events_published_through_the_sidecar_reach_the_rating()
    {
        var (tutorId, reviewId) = (Guid.NewGuid(), Guid.NewGuid());
        using var dapr = new DaprClientBuilder()
            .UseHttpEndpoint(Host.SidecarHttpEndpoint.ToString())
            .UseGrpcEndpoint(Host.SidecarGrpcEndpoint.ToString())
            .Build();

        // The edit (version 2) is published first: the later post must not undo it.
        await dapr.PublishEventAsync(PlatformTopics.PubSub, PlatformTopics.ReviewEdited, new ReviewEvent(PlatformTopics.ReviewEdited, reviewId, tutorId, 2, "visible", 2).Data);
        await dapr.PublishEventAsync(PlatformTopics.PubSub, PlatformTopics.ReviewPosted, new ReviewEvent(PlatformTopics.ReviewPosted, reviewId, tutorId, 5, "visible", 1).Data);

        var rating = await Eventually.UntilAsync(
            "both events projected",
            _ => WithDbAsync(async db => (
                Rating: await db.TutorRatings.AsNoTracking().SingleOrDefaultAsync(r => r.TutorId == tutorId),
                Processed: await db.InboxMessages.CountAsync(m => m.Consumer == Features.ProjectReviewRating.Consumer))),
            x => x.Processed == 2,
            TimeSpan.FromSeconds(60),
            x => $"{x.Processed} events processed; {Host.Output}");
        (rating.Rating!.Count, rating.Rating.Average, rating.Rating.Distribution).Should().BeEquivalentTo((1, 2.0m, new[] { 0, 1, 0, 0, 0 }));
    }

    private async Task<T> WithDbAsync<T>(Func<TutoringDbContext, Task<T>> work)
    {
        await using var scope = Host.App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TutoringDbContext>());
    }
}
