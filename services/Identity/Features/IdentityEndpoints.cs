namespace DaprPlatform.Identity.Features;

public static class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapRegister();
        app.MapLogin();
        app.MapRefresh();
        app.MapLogout();
        app.MapMe();
        app.MapGetUser();
        app.MapUpdateUser();
        app.MapChangePassword();
        app.MapJwks();
        app.MapOnboardingApi();
        return app;
    }
}
