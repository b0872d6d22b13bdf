using DaprPlatform.Payments.Features;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("payments");
builder.AddServiceDatabase<PaymentsDbContext>("payments");
builder.Services.AddOutbox<PaymentsDbContext>();
builder.Services.AddStripe(builder.Configuration);

var app = builder.Build();

app.UseServiceDefaults();
app.MapPaymentsApi();

await app.MigrateDatabaseAsync<PaymentsDbContext>();
await app.RunAsync();

public partial class Program;
