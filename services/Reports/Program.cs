using Dapr.Workflow;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reports.Features;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.Reports.Workflow;
using DaprPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("reports");
builder.AddServiceDatabase<ReportsDbContext>("reports");
builder.Services.AddOutbox<ReportsDbContext>();
builder.Services.AddInbox<ReportsDbContext>();
// The export workflow runs in this app (Dapr Workflow on its own sidecar); activities are registered by the SDK's generator.
builder.Services.AddDaprWorkflow(options => options.RegisterWorkflow<ReportExportWorkflow>());
builder.Services.AddSingleton<AnalyticsReader>();
builder.Services.AddScoped<ExportQuotas>();
builder.Services.AddScoped<PlanChangedProjection>();
builder.Services.AddScoped<ChannelRemovedProjection>();
builder.Services.AddOptions<ReportsOptions>()
    .Bind(builder.Configuration.GetSection(ReportsOptions.SectionName))
    .Validate(o => o.MaxRows > 0 && o.MaxFileBytes > 0 && o.GatherPageHours is > 0 and <= 31 * 24 && o.PublicBaseUrl.IsAbsoluteUri,
        "Reports: MaxRows, MaxFileBytes and GatherPageHours (at most 744) must be positive, PublicBaseUrl absolute.")
    .ValidateOnStart();
builder.Services.AddOptions<FreePlanOptions>()
    .Bind(builder.Configuration.GetSection(FreePlanOptions.SectionName))
    .Validate(o => o.ExportsPerMonth >= 0 && !string.IsNullOrWhiteSpace(o.Plan), "FreePlan: ExportsPerMonth must not be negative and Plan must be named.")
    .ValidateOnStart();

var app = builder.Build();

app.UseServiceDefaults();
// Deliveries arrive as CloudEvents: handlers read the data as the body and the event id from the Cloudevent.id header.
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
app.MapReportsSubscriptions();
app.MapReportsApi();

await app.MigrateDatabaseAsync<ReportsDbContext>();
await app.RunAsync();

public partial class Program;
