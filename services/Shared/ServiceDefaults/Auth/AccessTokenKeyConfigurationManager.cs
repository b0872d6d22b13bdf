using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Adapts <see cref="IAccessTokenKeySource"/> to the JWT bearer handler, which asks a configuration manager
/// for signing keys and calls <see cref="RequestRefresh"/> when a token names a key id it does not know.
/// </summary>
internal sealed class AccessTokenKeyConfigurationManager(IAccessTokenKeySource source, string issuer)
    : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>
{
    private int _refreshRequested;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var forceRefresh = Interlocked.Exchange(ref _refreshRequested, 0) == 1;
        var keys = await source.GetSigningKeysAsync(forceRefresh, cancel);
        var configuration = new OpenIdConnectConfiguration { Issuer = issuer };
        foreach (var key in keys)
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }

    // As a BaseConfigurationManager the JWT handler refreshes and re-validates within the same request on an unknown kid.
    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) => await GetConfigurationAsync(cancel);

    public override void RequestRefresh() => Interlocked.Exchange(ref _refreshRequested, 1);
}
