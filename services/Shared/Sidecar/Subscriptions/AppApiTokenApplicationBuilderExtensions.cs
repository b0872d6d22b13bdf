using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sidecar.Subscriptions;

public static class AppApiTokenApplicationBuilderExtensions
{
    /// <summary>
    /// When APP_API_TOKEN is set, sidecar→app calls must carry it in dapr-api-token; others get 401 problem details.
    /// /healthz and /readyz stay open (probes don't carry the token). With <paramref name="requireForAllRoutes"/> false
    /// only /dapr/* and subscription routes are checked (for apps whose other routes are public, not sidecar calls).
    /// </summary>
    public static IApplicationBuilder UseAppApiToken(this IApplicationBuilder app, bool requireForAllRoutes = true)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetService<SidecarOptions>() ?? SidecarOptions.FromEnvironment();
        if (string.IsNullOrEmpty(options.AppApiToken))
        {
            return app;
        }

        var expected = Encoding.UTF8.GetBytes(options.AppApiToken);
        var subscriptionRoutes = app.ApplicationServices.GetServices<TopicSubscription>()
            .Select(s => s.Route)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var exempt = path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
            var guarded = requireForAllRoutes
                || path.StartsWithSegments("/dapr")
                || subscriptionRoutes.Contains(path.Value ?? string.Empty);
            if (exempt || !guarded || Matches(context.Request.Headers[SidecarClient.ApiTokenHeader].ToString(), expected))
            {
                await next(context);
                return;
            }

            await WriteUnauthorizedAsync(context);
        });
    }

    private static bool Matches(string presented, byte[] expected) =>
        presented.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected);

    private static async Task WriteUnauthorizedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        var problem = new ProblemDetails
        {
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
            Title = "Unauthorized",
            Status = StatusCodes.Status401Unauthorized,
            Detail = "This route only accepts calls from the sidecar carrying a valid dapr-api-token.",
            Instance = context.Request.Path,
        };
        var writer = context.RequestServices.GetService<IProblemDetailsService>();
        if (writer is not null && await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }
}
