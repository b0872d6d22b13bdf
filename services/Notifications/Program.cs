using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Features;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Messaging;
using DaprPlatform.Telegram;
using Dapr;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("notifications");
builder.AddServiceDatabase<NotificationsDbContext>("notifications");
builder.Services.AddInbox<NotificationsDbContext>();
builder.Services.AddScoped<UserRegisteredHandler>();
builder.Services.AddScoped<BookingConfirmedHandler>();
builder.Services.AddScoped<BookingCancelledHandler>();
builder.Services.AddScoped<PaymentFailedHandler>();
builder.Services.AddScoped<PaymentRefundedHandler>();
builder.Services.AddTelegramBotClient(builder.Configuration);
builder.Services.AddScoped<TelegramDelivery>();

var app = builder.Build();

app.UseServiceDefaults();
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
app.MapTopic<UserRegistered, UserRegisteredHandler>("/events/user-registered", Topic("user.registered"), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<BookingChanged, BookingConfirmedHandler>("/events/booking-confirmed", Topic("booking.confirmed"), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<BookingChanged, BookingCancelledHandler>("/events/booking-cancelled", Topic("booking.cancelled"), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<PaymentChanged, PaymentFailedHandler>("/events/payment-failed", Topic("payment.failed"), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<PaymentChanged, PaymentRefundedHandler>("/events/payment-refunded", Topic("payment.refunded"), (h, e, ct) => h.HandleAsync(e, ct));
app.MapNotificationsApi();
app.MapOnboardingApi();

await app.MigrateDatabaseAsync<NotificationsDbContext>();
await app.RunAsync();

// Each topic has its own dead-letter topic, named after it.
static TopicOptions Topic(string name) => new() { PubsubName = "pubsub", Name = name, DeadLetterTopic = name + ".deadletter" };

public partial class Program;
