namespace DaprPlatform.ServiceDefaults;

/// <summary>How access tokens are validated. Bound from the "AccessTokens" configuration section.</summary>
public sealed class AccessTokenOptions
{
    public const string SectionName = "AccessTokens";

    public string Issuer { get; set; } = "daprplatform-identity";
    public string Audience { get; set; } = "daprplatform";
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The app that publishes the JWKS; fetched through this app's own sidecar.</summary>
    public string JwksAppId { get; set; } = "identity";
    public string JwksPath { get; set; } = ".well-known/jwks.json";

    /// <summary>How long fetched keys are trusted before they are fetched again.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Lower bound between forced refreshes, so a flood of tokens with unknown key ids cannot hammer identity.</summary>
    public TimeSpan MinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
