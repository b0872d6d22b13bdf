using DaprPlatform.Identity.Domain;
using DaprPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Identity.Infrastructure;

public sealed record IssuedAccessToken(string Token, TimeSpan Lifetime);

/// <summary>Issues RS256 access tokens carrying the platform claims every service validates.</summary>
public sealed class AccessTokenIssuer(
    AccessTokenSigningKey signingKey,
    IOptions<AccessTokenOptions> accessTokenOptions,
    IOptions<TokenLifetimeOptions> lifetimeOptions,
    TimeProvider timeProvider)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedAccessToken Issue(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = timeProvider.GetUtcNow();
        var lifetime = lifetimeOptions.Value.AccessTokenLifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = accessTokenOptions.Value.Issuer,
            Audience = accessTokenOptions.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = signingKey.SigningCredentials,
            Claims = new Dictionary<string, object>
            {
                [PlatformClaims.Subject] = user.Id.ToString(),
                [PlatformClaims.Email] = user.Email,
                [PlatformClaims.Name] = user.DisplayName,
                [PlatformClaims.Role] = user.Role,
                [PlatformClaims.TokenId] = Guid.NewGuid().ToString("N"),
            },
        };
        return new IssuedAccessToken(_handler.CreateToken(descriptor), lifetime);
    }
}
