using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Gateway.Infrastructure;

public static class GatewayCors
{
    public const string PolicyName = "gateway";

    public static IServiceCollection AddGatewayCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<GatewayOptions>>((cors, gateway) =>
        {
            var settings = gateway.Value.Cors;
            cors.AddPolicy(PolicyName, policy => policy
                // Bearer tokens, not cookies: credentials stay off, so no origin is ever trusted with them.
                .WithOrigins([.. settings.AllowedOrigins])
                .AllowAnyHeader()
                .AllowAnyMethod()
                .WithExposedHeaders("Retry-After", "Location", "ETag")
                .SetPreflightMaxAge(settings.PreflightMaxAge));
        });
        return services;
    }
}
