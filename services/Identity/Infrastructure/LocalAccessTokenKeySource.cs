using DaprPlatform.ServiceDefaults;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Identity.Infrastructure;

/// <summary>Identity validates its own tokens with the key it holds instead of fetching its JWKS through its sidecar.</summary>
public sealed class LocalAccessTokenKeySource(AccessTokenSigningKey signingKey) : IAccessTokenKeySource
{
    public Task<IReadOnlyCollection<SecurityKey>> GetSigningKeysAsync(bool forceRefresh, CancellationToken ct) =>
        Task.FromResult<IReadOnlyCollection<SecurityKey>>([signingKey.PublicKey]);
}
