using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Identity.Features;

public static class IdentityApi
{
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder app)
    {
        // Public routes (through the gateway); each says whether it needs a signed-in caller.
        var auth = app.MapGroup("/api/auth");
        Register.Map(auth);
        Login.Map(auth);
        Refresh.Map(auth);
        Logout.Map(auth);
        Me.Map(auth);

        var users = app.MapGroup("/api/users");
        GetUser.Map(users);
        UpdateUser.Map(users);
        ChangePassword.Map(users);
        ChangeUserRole.Map(users);

        // Read by every service's token validation (through invocation) and by the gateway.
        Jwks.Map(app);

        // Invocation-only routes the onboarding saga (app workflows) calls. Outside /api, so the gateway never routes
        // them; a request must also carry the dapr-caller-app-id header the sidecar stamps on every invocation (and,
        // where APP_API_TOKEN is set, the app token UseServiceDefaults already demands of every route).
        var steps = app.MapGroup("/internal").RequireSidecarCaller("workflows");
        IssueOnboardingCredential.Map(steps);
        CreateOnboardedUser.Map(steps);
        DeleteUser.Map(steps);
        return app;
    }
}
