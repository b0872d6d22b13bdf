using DaprPlatform.Notifications.Contracts;
using DaprPlatform.Notifications.Features;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
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
builder.Services.AddScoped<ReviewPostedHandler>();
builder.Services.AddScoped<MessageSentHandler>();
builder.Services.AddScoped<MessageReadHandler>();
builder.Services.AddOptions<MessageNoticeOptions>()
    .Bind(builder.Configuration.GetSection(MessageNoticeOptions.SectionName))
    .Validate(o => o.IsValid, "Notifications:MessageGracePeriod must be 0 to 1 day, MessageNoticePollInterval above 0 and at most 10 minutes, MessageNoticeBatchSize 1 to 10000.")
    .ValidateOnStart();
builder.Services.AddHostedService<MessageNoticeDispatcher>();
builder.Services.AddScoped<PayoutInitiatedHandler>();
builder.Services.AddScoped<PayoutCompletedHandler>();
builder.Services.AddScoped<PayoutFailedHandler>();
builder.Services.AddScoped<PlanChangedHandler>();
builder.Services.AddScoped<ChannelPausedHandler>();
builder.Services.AddScoped<ChannelResumedHandler>();
builder.Services.AddScoped<ReportExportedHandler>();
builder.Services.AddOptions<WebLinkOptions>()
    .Bind(builder.Configuration.GetSection(WebLinkOptions.SectionName))
    .Validate(o => o.WebBaseUrl.IsAbsoluteUri, "Notifications:WebBaseUrl must be an absolute address.")
    .ValidateOnStart();
builder.Services.AddTelegramBotClient(builder.Configuration);
builder.Services.AddScoped<TelegramDelivery>();

var app = builder.Build();

app.UseServiceDefaults();
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
app.MapTopic<UserRegistered, UserRegisteredHandler>("/events/user-registered", PlatformTopics.Subscription(PlatformTopics.UserRegistered), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<BookingChanged, BookingConfirmedHandler>("/events/booking-confirmed", PlatformTopics.Subscription(PlatformTopics.BookingConfirmed), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<BookingChanged, BookingCancelledHandler>("/events/booking-cancelled", PlatformTopics.Subscription(PlatformTopics.BookingCancelled), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<PaymentChanged, PaymentFailedHandler>("/events/payment-failed", PlatformTopics.Subscription(PlatformTopics.PaymentFailed), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<PaymentChanged, PaymentRefundedHandler>("/events/payment-refunded", PlatformTopics.Subscription(PlatformTopics.PaymentRefunded), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<ReviewChanged, ReviewPostedHandler>("/events/review-posted", PlatformTopics.Subscription(PlatformTopics.ReviewPosted), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<MessageSent, MessageSentHandler>("/events/message-sent", PlatformTopics.Subscription(PlatformTopics.MessageSent), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<MessageRead, MessageReadHandler>("/events/message-read", PlatformTopics.Subscription(PlatformTopics.MessageRead), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<PayoutChanged, PayoutInitiatedHandler>("/events/payout-initiated", PlatformTopics.Subscription(PlatformTopics.PayoutInitiated), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<PayoutChanged, PayoutCompletedHandler>("/events/payout-completed", PlatformTopics.Subscription(PlatformTopics.PayoutCompleted), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<PayoutChanged, PayoutFailedHandler>("/events/payout-failed", PlatformTopics.Subscription(PlatformTopics.PayoutFailed), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<PlanChanged, PlanChangedHandler>("/events/plan-changed", PlatformTopics.Subscription(PlatformTopics.PlanChanged), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<ChannelPauseChanged, ChannelPausedHandler>("/events/channel-paused", PlatformTopics.Subscription(PlatformTopics.ChannelPaused), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<ChannelPauseChanged, ChannelResumedHandler>("/events/channel-resumed", PlatformTopics.Subscription(PlatformTopics.ChannelResumed), (h, e, ct) => h.HandleAsync(e, ct));
app.MapTopic<ReportExported, ReportExportedHandler>("/events/report-exported", PlatformTopics.Subscription(PlatformTopics.ReportExported), (h, e, ct) => h.HandleAsync(e, ct));
app.MapNotificationsApi();
app.MapOnboardingApi();
app.MapBillingNoticeApi();

await app.MigrateDatabaseAsync<NotificationsDbContext>();
await app.RunAsync();

public partial class Program;
