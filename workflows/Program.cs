using Dapr.Workflow;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Workflows.BookingPayment;
using DaprPlatform.Workflows.Dunning;
using DaprPlatform.Workflows.Features;
using DaprPlatform.Workflows.Onboarding;
using DaprPlatform.Workflows.Payouts;
using DaprPlatform.Workflows.ServiceSteps;
using DaprPlatform.Workflows.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("workflows");

// The official Dapr .NET SDK: DaprClient (TryAdd, whoever registers it first), the workflow worker and DaprWorkflowClient on
// the sidecar's gRPC port, and invocation through the sidecar's HTTP port. Endpoints and tokens come from configuration, then
// the environment (DAPR_GRPC_PORT, DAPR_HTTP_PORT, DAPR_API_TOKEN).
builder.Services.AddDaprClient();
// Activities are registered by Dapr.Workflow's source generator (registering them again only logs "already registered").
builder.Services.AddDaprWorkflow(options =>
{
    options.RegisterWorkflow<UserOnboardingWorkflow>();
    options.RegisterWorkflow<BookingPaymentWorkflow>();
    options.RegisterWorkflow<BookingCancellationWorkflow>();
    options.RegisterWorkflow<TutorPayoutWorkflow>();
    options.RegisterWorkflow<PayoutCalendarWorkflow>();
    options.RegisterWorkflow<SubscriptionDunningWorkflow>();
});
builder.Services.AddTransient<ServiceStepCall>();
builder.Services.AddTransient<PaymentResultRelay>();
builder.Services.AddOptions<BookingPaymentOptions>()
    .Bind(builder.Configuration.GetSection(BookingPaymentOptions.SectionName))
    // Tutoring holds a slot for at most 180 minutes, and the hold must outlive the payment window by the saga's margin.
    .Validate(o => o.PaymentTimeout > TimeSpan.Zero && o.PaymentTimeout + BookingPaymentWorkflow.HoldMargin <= TimeSpan.FromMinutes(180),
        "BookingPayment:PaymentTimeout must be positive and at most 2 h 55 min (slot holds last at most 3 h).")
    .ValidateOnStart();
builder.Services.AddOptions<OnboardingOptions>()
    .Bind(builder.Configuration.GetSection(OnboardingOptions.SectionName))
    .Validate(o => o.StepDeadline > TimeSpan.Zero && o.StepDeadline <= TimeSpan.FromHours(1),
        "Onboarding:StepDeadline must be positive and at most an hour (the credential reference lives for one).")
    .ValidateOnStart();
builder.Services.AddOptions<PayoutOptions>()
    .Bind(builder.Configuration.GetSection(PayoutOptions.SectionName))
    .Validate(o => o.Period >= TimeSpan.FromSeconds(10) && o.Period <= TimeSpan.FromDays(366), "Payouts:Period must be from 10 seconds to a year.")
    .ValidateOnStart();
builder.Services.AddOptions<DunningOptions>()
    .Bind(builder.Configuration.GetSection(DunningOptions.SectionName))
    .Validate(o => o.IsValid, "Dunning: GracePeriod and DowngradeRetryInterval must be positive, and every reminder within the grace period.")
    .ValidateOnStart();
// The durable payout schedule (ADR 0025): started idempotently at every start of the app.
builder.Services.AddHostedService<PayoutCalendarStarter>();
builder.Services.AddSingleton<SagaMetrics>();

var app = builder.Build();

// POST/GET /api/onboarding are public sign-up calls arriving through the gateway's invocation, so every route keeps the app token check;
// /internal/booking-* are for the booking service only (dapr-caller-app-id), and /events/* are pub/sub deliveries.
app.UseServiceDefaults();
app.UseCloudEventDeliveries();
app.MapSubscribeHandler();
app.MapPaymentResultRelay();
app.MapOnboardingApi();
app.MapBookingSagasApi();
app.MapPayoutSagasApi();
app.MapDunningSagasApi();

await app.RunAsync();

public partial class Program;
