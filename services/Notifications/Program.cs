using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Features;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Infrastructure.Telegram;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Messaging;
using DaprPlatform.Sidecar.Subscriptions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("notifications");
builder.AddServiceDatabase<NotificationsDbContext>("notifications");
builder.Services.AddInbox<NotificationsDbContext>();
builder.Services.AddTopicHandler<UserRegistered, UserRegisteredHandler>(
    "pubsub", "user.registered", "/events/user-registered", deadLetterTopic: "user.registered.deadletter");
builder.Services.AddTopicHandler<BookingChanged, BookingConfirmedHandler>(
    "pubsub", "booking.confirmed", "/events/booking-confirmed", deadLetterTopic: "booking.confirmed.deadletter");
builder.Services.AddTopicHandler<BookingChanged, BookingCancelledHandler>(
    "pubsub", "booking.cancelled", "/events/booking-cancelled", deadLetterTopic: "booking.cancelled.deadletter");
builder.Services.AddTopicHandler<PaymentChanged, PaymentFailedHandler>(
    "pubsub", "payment.failed", "/events/payment-failed", deadLetterTopic: "payment.failed.deadletter");
builder.Services.AddTopicHandler<PaymentChanged, PaymentRefundedHandler>(
    "pubsub", "payment.refunded", "/events/payment-refunded", deadLetterTopic: "payment.refunded.deadletter");
builder.Services.AddTelegramSender(builder.Configuration);
builder.Services.AddScoped<TelegramDelivery>();

var app = builder.Build();

app.UseServiceDefaults();
app.MapSidecarEndpoints();
app.MapNotificationsApi();
app.MapOnboardingApi();

await app.MigrateDatabaseAsync<NotificationsDbContext>();
await app.RunAsync();

public partial class Program;
