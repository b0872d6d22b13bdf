using DaprPlatform.Analytics.Actors;
using DaprPlatform.Analytics.Features;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("analytics");
builder.AddServiceDatabase<AnalyticsDbContext>("analytics");
builder.Services.AddOutbox<AnalyticsDbContext>();
builder.Services.AddInbox<AnalyticsDbContext>();
builder.Services.AddScoped<MetricsHistory>();
builder.Services.AddSingleton<AnalyticsMetrics>();
builder.Services.Configure<ChannelMetricsOptions>(builder.Configuration.GetSection(ChannelMetricsOptions.SectionName));
// The runtime and its proxies find the sidecar through DAPR_HTTP_PORT / DAPR_API_TOKEN (configuration, then environment).
builder.Services.AddActors(o =>
{
    o.Actors.RegisterActor<ChannelMetricsActor>(ChannelMetricsActor.TypeName);
    // Typed proxies carry records (views, batches) as JSON; the default DataContract remoting needs attributed types.
    o.UseJsonSerialization = true;
});
builder.Services.AddSingleton<ChannelMetricsActors>();
builder.Services.AddSingleton<ChannelMetricsReceived>();
builder.Services.AddScoped<ChannelRegisteredReceived>();
builder.Services.AddScoped<ChannelRemovedReceived>();
builder.Services.Configure<WorkspaceOptions>(builder.Configuration.GetSection(WorkspaceOptions.SectionName));
builder.Services.AddOptions<FreePlanOptions>()
    .Bind(builder.Configuration.GetSection(FreePlanOptions.SectionName))
    .Validate(o => o.IsValid, "FreePlan:Plan must be set and FreePlan:HistoryDays at least 1.")
    .ValidateOnStart();
builder.Services.AddScoped<OwnerPlans>();
builder.Services.AddScoped<PlanChangedReceived>();
// Forecasts and best posting times: the Python `ml` app through invocation, answers cached in the state store (ADR 0033).
builder.Services.Configure<PredictionOptions>(builder.Configuration.GetSection(PredictionOptions.SectionName));
builder.Services.AddScoped<HourlyHistory>();
builder.Services.AddSingleton<MlApp>();

var app = builder.Build();

app.UseServiceDefaults();
// Deliveries arrive as CloudEvents: handlers read the data as the body and the event id from the Cloudevent.id header.
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
app.MapActorsHandlers();
app.MapChannelMetricsSubscription();
app.MapChannelLifecycleSubscriptions();
app.MapChannelAnalyticsApi();
app.MapWorkspacesApi();
PlanChangedReceived.MapSubscription(app);
app.MapReportsInternalApi();

await app.MigrateDatabaseAsync<AnalyticsDbContext>();
await app.RunAsync();

public partial class Program;
