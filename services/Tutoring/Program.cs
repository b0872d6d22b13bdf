using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Features;
using DaprPlatform.Tutoring.Infrastructure;
using DaprPlatform.OutboxInbox;
using Dapr;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("tutoring");
builder.AddServiceDatabase<TutoringDbContext>("tutoring");
builder.Services.AddInbox<TutoringDbContext>();
builder.Services.AddScoped<ProjectReviewRating>();
builder.Services.AddOptions<TutoringOptions>()
    .Bind(builder.Configuration.GetSection(TutoringOptions.SectionName))
    .Validate(o => o.HoldMinutes is >= 1 and <= 180, "Tutoring:HoldMinutes must be 1 to 180.")
    .ValidateOnStart();

var app = builder.Build();

app.UseServiceDefaults();
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
ProjectReviewRating.Map(app);
app.MapTutoringApi();

await app.MigrateDatabaseAsync<TutoringDbContext>();
await app.RunAsync();

public partial class Program;
