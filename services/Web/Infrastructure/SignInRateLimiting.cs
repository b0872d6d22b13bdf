using System.Threading.RateLimiting;

namespace DaprPlatform.Web.Infrastructure;

/// <summary>
/// The web app calls identity through its sidecar, past the gateway's limits, so it limits password guessing itself: form
/// posts under <c>/account</c> (sign-in, sign-up) per client address (configuration <c>Web:SignInRateLimit</c>).
/// </summary>
public static class SignInRateLimiting
{
    public sealed class Options
    {
        public int PermitLimit { get; set; } = 10;
        public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
    }

    public static IServiceCollection AddSignInRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<Options>().BindConfiguration("Web:SignInRateLimit");
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.Path.StartsWithSegments("/account"))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                var settings = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Options>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.PermitLimit,
                    Window = settings.Window,
                    QueueLimit = 0,
                });
            });
        });
        return services;
    }
}
