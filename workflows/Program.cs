using DaprPlatform.ServiceDefaults;
using DaprPlatform.Sidecar.Subscriptions;
using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.Workflows.BookingPayment;
using DaprPlatform.Workflows.Features;
using DaprPlatform.Workflows.Onboarding;
using DaprPlatform.Workflows.ServiceSteps;
using DaprPlatform.Workflows.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("workflows");
builder.Services.AddWorkflowWorker(options =>
{
    options.RegisterWorkflow<UserOnboardingWorkflow>();
    options.RegisterActivity<CreateAccountActivity>();
    options.RegisterActivity<ProvisionAnalyticsWorkspaceActivity>();
    options.RegisterActivity<SetDefaultNotificationPreferencesActivity>();
    options.RegisterActivity<SendWelcomeActivity>();
    options.RegisterActivity<DeprovisionAnalyticsWorkspaceActivity>();
    options.RegisterActivity<DeleteAccountActivity>();

    options.RegisterWorkflow<BookingPaymentWorkflow>();
    options.RegisterWorkflow<BookingCancellationWorkflow>();
    options.RegisterActivity<HoldSlotActivity>();
    options.RegisterActivity<CreateBookingActivity>();
    options.RegisterActivity<CreatePaymentIntentActivity>();
    options.RegisterActivity<MarkAwaitingPaymentActivity>();
    options.RegisterActivity<ConfirmBookingActivity>();
    options.RegisterActivity<BookSlotActivity>();
    options.RegisterActivity<VoidPaymentActivity>();
    options.RegisterActivity<CancelBookingActivity>();
    options.RegisterActivity<ReleaseSlotActivity>();
    options.RegisterActivity<QuoteRefundActivity>();
    options.RegisterActivity<RefundPaymentActivity>();
});
builder.Services.AddOptions<BookingPaymentOptions>()
    .Bind(builder.Configuration.GetSection(BookingPaymentOptions.SectionName))
    // Tutoring holds a slot for at most 180 minutes, and the hold must outlive the payment window by the saga's margin.
    .Validate(o => o.PaymentTimeout > TimeSpan.Zero && o.PaymentTimeout + BookingPaymentWorkflow.HoldMargin <= TimeSpan.FromMinutes(180),
        "BookingPayment:PaymentTimeout must be positive and at most 2 h 55 min (slot holds last at most 3 h).")
    .ValidateOnStart();
builder.Services.AddTopicHandler<PaymentOutcomeEvent, PaymentSucceededRelay>("pubsub", "payment.succeeded", "/events/payment-succeeded", deadLetterTopic: "payment.succeeded.deadletter");
builder.Services.AddTopicHandler<PaymentOutcomeEvent, PaymentFailedRelay>("pubsub", "payment.failed", "/events/payment-failed", deadLetterTopic: "payment.failed.deadletter");
builder.Services.AddWorkflowClient();
builder.Services.AddTransient<ServiceStepCall>();
builder.Services.AddSingleton<SagaMetrics>();

var app = builder.Build();

// POST/GET /api/onboarding are public sign-up calls arriving through the gateway's invocation, so every route keeps the app token check;
// /internal/booking-* are for the booking service only (dapr-caller-app-id), and /events/* are pub/sub deliveries.
app.UseServiceDefaults();
app.MapSidecarEndpoints();
app.MapOnboardingApi();
app.MapBookingSagasApi();

await app.RunAsync();

public partial class Program;
