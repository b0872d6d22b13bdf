using DaprPlatform.Channels.Features;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Telegram;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("channels");
builder.AddServiceDatabase<ChannelsDbContext>("channels");
builder.Services.AddOutbox<ChannelsDbContext>();
builder.Services.AddTelegramBotClient(builder.Configuration);
builder.Services.AddOptions<MetricIntakeOptions>()
    .Bind(builder.Configuration.GetSection(MetricIntakeOptions.SectionName))
    .Validate(o => o.MaxBatchSize > 0, "Metrics:MaxBatchSize must be positive.");

var app = builder.Build();

app.UseServiceDefaults();
app.MapChannelsApi();

await app.MigrateDatabaseAsync<ChannelsDbContext>();
await app.RunAsync();

public partial class Program;
