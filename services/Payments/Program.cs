using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Features;
using DaprPlatform.Payments.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("payments");
builder.AddServiceDatabase<PaymentsDbContext>("payments");
builder.Services.AddOutbox<PaymentsDbContext>();
builder.Services.AddInbox<PaymentsDbContext>();
builder.Services.AddOptions<PayoutOptions>()
    .Bind(builder.Configuration.GetSection(PayoutOptions.SectionName))
    .Validate(o => o.PlatformFeePercent is >= 0 and <= 100, "Payments:Payouts:PlatformFeePercent must be 0..100.")
    .Validate(o => o.MinimumAmount >= 1, "Payments:Payouts:MinimumAmount must be at least 1 minor unit.")
    .ValidateOnStart();
builder.Services.AddScoped<RecordEarning>();
builder.Services.AddScoped<ReverseRefundedEarning>();
builder.Services.AddStripe(builder.Configuration);
builder.Services.AddPlanCatalogue(builder.Configuration);
builder.Services.AddScoped<BillingCustomers>();
builder.Services.AddScoped<DunningSagas>();
// Mirrors the paid plans to Stripe Products/Prices in the background (retried; never holds up start-up or health).
builder.Services.AddHostedService<PlanCatalogueSync>();

var app = builder.Build();

app.UseServiceDefaults();
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
app.MapTopic<BookingCompleted, RecordEarning>("/events/booking-completed", PlatformTopics.Subscription(PlatformTopics.BookingCompleted), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<PaymentEvent, ReverseRefundedEarning>("/events/payment-refunded", PlatformTopics.Subscription(PlatformTopics.PaymentRefunded), (h, e, ct) => h.HandleAsync(e, ct));
app.MapPaymentsApi();
app.MapPlansApi();

await app.MigrateDatabaseAsync<PaymentsDbContext>();
await app.RunAsync();

public partial class Program;
