namespace DaprPlatform.Identity.Infrastructure;

/// <summary>Configuration section <c>Tokens</c>.</summary>
public sealed class TokenLifetimeOptions
{
    public const string SectionName = "Tokens";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one refresh token stays usable; each rotation issues a fresh one.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
}
