using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Features;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("messaging");
builder.AddServiceDatabase<MessagingDbContext>("messaging");
builder.Services.AddOutbox<MessagingDbContext>();
builder.Services.AddOptions<MessagingLimits>()
    .Bind(builder.Configuration.GetSection(MessagingLimits.SectionName))
    .Validate(o => o.IsValid(), "Messaging:Limits: MaxTextLength, SendsPerWindow and SendWindow must be positive, EditWindow not negative.")
    .ValidateOnStart();
builder.Services.AddOptions<LiveOptions>()
    .Bind(builder.Configuration.GetSection(LiveOptions.SectionName))
    .Validate(o => o.IsValid(), "Messaging:Live: KeepAliveInterval and MaxNoticeAge must be positive, ReorderWindow and TypingInterval not negative.")
    .ValidateOnStart();
builder.Services.AddSingleton<LiveConnections>();
builder.Services.AddSingleton<TypingThrottle>();
builder.Services.AddScoped<TutoringApp>();
builder.Services.AddScoped<BookingApp>();

var app = builder.Build();

app.UseServiceDefaults();
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
app.MapLiveNotices();
app.MapMessagingApi();

await app.MigrateDatabaseAsync<MessagingDbContext>();
await app.RunAsync();

public partial class Program;
