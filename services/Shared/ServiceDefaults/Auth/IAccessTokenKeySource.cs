using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Where the keys that sign access tokens come from. Services fetch identity's JWKS through their sidecar;
/// identity itself uses its local key; tests plug in their own.
/// </summary>
public interface IAccessTokenKeySource
{
    Task<IReadOnlyCollection<SecurityKey>> GetSigningKeysAsync(bool forceRefresh, CancellationToken ct);
}
