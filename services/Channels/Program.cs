using DaprPlatform.Channels.Features;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Telegram;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("channels");
builder.AddServiceDatabase<ChannelsDbContext>("channels");
builder.Services.AddOutbox<ChannelsDbContext>();
builder.Services.AddInbox<ChannelsDbContext>();
builder.Services.AddOptions<FreePlanOptions>()
    .Bind(builder.Configuration.GetSection(FreePlanOptions.SectionName))
    .Validate(o => o.IsValid, "FreePlan:Plan must be set and FreePlan:MaxChannels not negative.")
    .ValidateOnStart();
builder.Services.AddScoped<OwnerChannelSlots>();
builder.Services.AddScoped<PlanChangedReceived>();
builder.Services.AddTelegramBotClient(builder.Configuration);
builder.Services.AddOptions<MetricIntakeOptions>()
    .Bind(builder.Configuration.GetSection(MetricIntakeOptions.SectionName))
    .Validate(o => o.MaxBatchSize > 0, "Metrics:MaxBatchSize must be positive.");

var app = builder.Build();

app.UseServiceDefaults();
// plan.changed arrives as a CloudEvent: the handler reads the data as the body and the event id from the Cloudevent.id header.
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
app.MapChannelsApi();

await app.MigrateDatabaseAsync<ChannelsDbContext>();
await app.RunAsync();

public partial class Program;
