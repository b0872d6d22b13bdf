namespace DaprPlatform.Gateway.Infrastructure;

/// <summary>Configuration section "Gateway".</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>"METHOD /path" entries that need no bearer token.</summary>
    public List<string> PublicRoutes { get; set; } = [];

    /// <summary>How long a service's OpenAPI document, fetched for the Swagger UI, is served from memory.</summary>
    public TimeSpan OpenApiCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    public RateLimitSettings RateLimit { get; set; } = new();

    public CorsSettings Cors { get; set; } = new();

    public sealed class RateLimitSettings
    {
        /// <summary>Requests one client (user id, else IP) may make per window.</summary>
        public int PermitLimit { get; set; } = 100;

        public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
    }

    public sealed class CorsSettings
    {
        public List<string> AllowedOrigins { get; set; } = [];

        public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);
    }
}
