using DaprPlatform.ServiceDefaults;
using DaprPlatform.Tutoring.Features;
using DaprPlatform.Tutoring.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("tutoring");
builder.AddServiceDatabase<TutoringDbContext>("tutoring");
builder.Services.AddOptions<TutoringOptions>()
    .Bind(builder.Configuration.GetSection(TutoringOptions.SectionName))
    .Validate(o => o.HoldMinutes is >= 1 and <= 180, "Tutoring:HoldMinutes must be 1 to 180.")
    .ValidateOnStart();

var app = builder.Build();

app.UseServiceDefaults();
app.MapTutoringApi();

await app.MigrateDatabaseAsync<TutoringDbContext>();
await app.RunAsync();

public partial class Program;
