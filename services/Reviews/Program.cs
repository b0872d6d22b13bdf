using DaprPlatform.OutboxInbox;
using DaprPlatform.Reviews.Features;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("reviews");
builder.AddServiceDatabase<ReviewsDbContext>("reviews");
builder.Services.AddOutbox<ReviewsDbContext>();
builder.Services.AddInbox<ReviewsDbContext>();
builder.Services.AddScoped<BookingEventProjection>();

var app = builder.Build();

app.UseServiceDefaults();
// Deliveries arrive as CloudEvents: handlers read the data as the body and the event id from the Cloudevent.id header.
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
app.MapBookingSubscriptions();
app.MapReviewsApi();

await app.MigrateDatabaseAsync<ReviewsDbContext>();
await app.RunAsync();

public partial class Program;
