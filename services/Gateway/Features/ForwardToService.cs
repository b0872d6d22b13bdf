using DaprPlatform.Gateway.Domain;
using DaprPlatform.Gateway.Infrastructure;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Gateway.Features;

/// <summary>
/// <c>/api/**</c> → the owning app through the gateway's sidecar. Non-public routes need a valid bearer token here;
/// the Authorization header still travels on, so each service checks it again (defense in depth).
/// </summary>
public static class ForwardToService
{
    public static IEndpointRouteBuilder MapServiceForwarding(this IEndpointRouteBuilder app)
    {
        app.Map("/api/{**rest}", HandleAsync).ExcludeFromDescription().WithName("ForwardToService");
        return app;
    }

    public static async Task HandleAsync(HttpContext context, RouteTable routes, PublicRoutes publicRoutes, SidecarForwarder forwarder)
    {
        var path = context.Request.Path.Value ?? "/";
        var route = routes.Match(path);
        if (route is null)
        {
            await Problems.NotFound($"No service owns '{path}'.").ExecuteAsync(context);
            return;
        }

        if (!publicRoutes.IsPublic(context.Request.Method, path) && context.User.Identity?.IsAuthenticated != true)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            var detail = context.Request.Headers.Authorization.Count == 0
                ? "This route requires a bearer token."
                : "The bearer token is missing, expired or not valid.";
            await Problems.Unauthorized(detail).ExecuteAsync(context);
            return;
        }

        await forwarder.ForwardAsync(context, route);
    }
}
