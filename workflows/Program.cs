using DaprPlatform.ServiceDefaults;
using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.Workflows.Features;
using DaprPlatform.Workflows.Onboarding;

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
});
builder.Services.AddWorkflowClient();
builder.Services.AddTransient<OnboardingServiceCall>();

var app = builder.Build();

// POST/GET /api/onboarding are public sign-up calls arriving through the gateway's invocation, so every route keeps the app token check.
app.UseServiceDefaults();
app.MapOnboardingApi();

await app.RunAsync();

public partial class Program;
