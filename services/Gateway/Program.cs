using DaprPlatform.Gateway.Domain;
using DaprPlatform.Gateway.Features;
using DaprPlatform.Gateway.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults("gateway");

builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.SectionName));
builder.Services.AddSingleton(sp => new PublicRoutes(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.PublicRoutes));
// Routes and clusters come from the "ReverseProxy" section; the sidecar's address and the invocation transform from code.
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddConfigFilter<SidecarDestination>()
    .AddTransforms<DaprInvocationTransforms>();
builder.Services.AddGatewayRateLimiting();
builder.Services.AddGatewayCors();
builder.Services.AddServiceOpenApiDocuments();

var app = builder.Build();

// CORS first so preflights are answered before auth or rate limits, and every answer carries the CORS headers.
app.UseCors(GatewayCors.PolicyName);
// The gateway's public routes are not sidecar calls, so the app token guards only the /dapr/* surface.
app.UseServiceDefaults(requireAppApiTokenForAllRoutes: false);
// After authentication, so an authenticated caller is limited per user rather than per IP.
app.UseRateLimiter();
app.MapServiceForwarding();
app.MapServiceOpenApiDocuments();

await app.RunAsync();

public partial class Program;
