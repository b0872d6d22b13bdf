using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Features;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Sidecar.Actors;
using DaprPlatform.Messaging;
using DaprPlatform.Sidecar.Subscriptions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("analytics");
builder.AddServiceDatabase<AnalyticsDbContext>("analytics");
builder.Services.AddOutbox<AnalyticsDbContext>();
builder.Services.AddInbox<AnalyticsDbContext>();
builder.Services.AddScoped<MetricsHistory>();
builder.Services.AddSingleton<AnalyticsMetrics>();
builder.Services.AddActors(o => o.RegisterActor<ChannelMetricsActor>(ChannelMetricsActor.TypeName));
builder.Services.AddSingleton<ChannelMetricsActors>();
builder.Services.Configure<WorkspaceOptions>(builder.Configuration.GetSection(WorkspaceOptions.SectionName));

// Bulk delivery: one request carries many batches, and the handler makes one actor call per channel for all of them.
builder.Services.AddBulkTopicHandler<ChannelMetricsBatch, ChannelMetricsReceived>(
    "pubsub", "channel.metrics", "/events/channel-metrics", deadLetterTopic: "channel.metrics.deadletter",
    bulk: new BulkSubscribeOptions(MaxMessagesCount: 100, MaxAwaitDurationMs: 200));
builder.Services.AddTopicHandler<ChannelRegistered, ChannelRegisteredReceived>(
    "pubsub", "channel.registered", "/events/channel-registered", deadLetterTopic: "channel.registered.deadletter");
builder.Services.AddTopicHandler<ChannelRemoved, ChannelRemovedReceived>(
    "pubsub", "channel.removed", "/events/channel-removed", deadLetterTopic: "channel.removed.deadletter");

var app = builder.Build();

app.UseServiceDefaults();
app.MapActorsHandlers();
app.MapSidecarEndpoints();
app.MapChannelAnalyticsApi();
app.MapWorkspacesApi();

await app.MigrateDatabaseAsync<AnalyticsDbContext>();
await app.RunAsync();

public partial class Program;
