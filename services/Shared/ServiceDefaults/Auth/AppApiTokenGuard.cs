using Dapr;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// APP_API_TOKEN (daprd sends it as dapr-api-token on every call to the app): Dapr.AspNetCore's "Dapr" authentication
/// scheme checks it; this applies that check before routing reaches an endpoint. The SDK's "Dapr" policy would have to be
/// put on each endpoint and refuses everything when no token is configured, while a bare `dapr run` sets none.
/// </summary>
internal static class AppApiTokenGuard
{
    /// <summary>The scheme name Dapr.AspNetCore's AddDapr() registers (its own constant is internal).</summary>
    public const string DaprScheme = "Dapr";

    /// <param name="requireForAllRoutes">
    /// False for an app whose other routes are public (the gateway): then only /dapr/* and pub/sub subscription routes are guarded.
    /// </param>
    public static IApplicationBuilder UseAppApiTokenGuard(this WebApplication app, bool requireForAllRoutes)
    {
        if (string.IsNullOrEmpty(DaprDefaults.GetDefaultAppApiToken(app.Configuration)))
        {
            return app;
        }

        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            // Probes (kubelet, DevHost's health check) never carry the token.
            var exempt = path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
            var guarded = requireForAllRoutes
                || path.StartsWithSegments("/dapr")
                || context.GetEndpoint()?.Metadata.GetMetadata<ITopicMetadata>() is not null;
            if (exempt || !guarded || (await context.AuthenticateAsync(DaprScheme)).Succeeded)
            {
                await next(context);
                return;
            }

            await Problems.Unauthorized("This route only accepts calls from the sidecar carrying a valid dapr-api-token.").ExecuteAsync(context);
        });
    }
}
