using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Identity.Features;

/// <summary>
/// Invocation-only endpoints the onboarding saga (app <c>workflows</c>) calls. They live outside <c>/api</c>, so the gateway
/// never routes them; a request must also carry the <c>dapr-caller-app-id</c> header the sidecar stamps on every
/// invocation (and, where APP_API_TOKEN is set, the app token UseServiceDefaults already demands of every route).
/// </summary>
public static class OnboardingApi
{
    public static IEndpointRouteBuilder MapOnboardingApi(this IEndpointRouteBuilder app)
    {
        // Only the onboarding saga calls these.
        var group = app.MapGroup("/internal").RequireSidecarCaller("workflows");
        group.MapPost("/onboarding/credentials", IssueOnboardingCredential.HandleAsync);
        group.MapPost("/users", CreateOnboardedUser.HandleAsync);
        group.MapDelete("/users/{id:guid}", DeleteUser.HandleAsync);
        return app;
    }
}
