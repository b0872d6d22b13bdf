using DaprPlatform.Booking.Domain;
using DaprPlatform.Booking.Features;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("booking");
builder.AddServiceDatabase<BookingDbContext>("booking");
builder.Services.AddOutbox<BookingDbContext>();
builder.Services.AddOptions<RefundPolicyOptions>()
    .Bind(builder.Configuration.GetSection(RefundPolicyOptions.SectionName))
    .Validate(o => o.IsValid(), "Booking:Refunds: need 0 ≤ PartialRefundHours ≤ FullRefundHours and 0 ≤ PartialRefundPercent ≤ 100.")
    .ValidateOnStart();
builder.Services.AddSingleton(sp => new RefundCalculator(sp.GetRequiredService<IOptions<RefundPolicyOptions>>().Value));
builder.Services.AddScoped<WorkflowsApp>();

var app = builder.Build();

app.UseServiceDefaults();
app.MapBookingApi();

await app.MigrateDatabaseAsync<BookingDbContext>();
await app.RunAsync();

public partial class Program;
