using System.Globalization;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Components;
using DaprPlatform.Web.Features.Account;
using DaprPlatform.Web.Features.Bookings;
using DaprPlatform.Web.Features.Channels;
using DaprPlatform.Web.Features.Reports;
using DaprPlatform.Web.Infrastructure;
using DaprPlatform.Web.Infrastructure.Services;
using DaprPlatform.Web.Infrastructure.Session;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Radzen;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("web");
// People get pages, not problem JSON: without ServiceDefaults' API-style exception handler, the error page below answers.
builder.Services.RemoveAll<IExceptionHandler>();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddRadzenComponents();
builder.Services.AddBrowserSessions(builder.Configuration);
builder.Services.AddScoped<ServiceCalls>();
builder.Services.AddScoped<BrowserTimeZone>();
builder.Services.AddAccountFeatures();
builder.Services.AddChannelFeatures();
builder.Services.AddStudentFeatures();
builder.Services.AddNotificationFeatures();
builder.Services.AddTutorFeatures();
builder.Services.AddReviewFeatures();
builder.Services.AddMessagingFeatures();
builder.Services.AddPlanFeatures();
builder.Services.AddReportFeatures();
builder.Services.AddSignInRateLimiting();

var app = builder.Build();

app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing"))
{
    app.UseHsts();
}

// The /dapr/* surface only: people's requests are not sidecar calls.
app.UseServiceDefaults(requireAppApiTokenForAllRoutes: false);
// Pages, not problem JSON, for people: inner handlers answer before ServiceDefaults' API-style ones.
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
app.UseRequestLocalization(new RequestLocalizationOptions
{
    DefaultRequestCulture = new RequestCulture("en-US"),
    SupportedCultures = CultureInfo.GetCultures(CultureTypes.SpecificCultures),
    SupportedUICultures = CultureInfo.GetCultures(CultureTypes.SpecificCultures),
    FallBackToParentCultures = true,
});
app.UseRateLimiter();
app.UseAntiforgery();
app.UseRejectedFormsStatusPage();

app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapReportEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

public partial class Program;
