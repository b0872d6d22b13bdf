using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.ServiceDefaults;

/// <summary>Fetches identity's JWKS by service invocation through this app's sidecar and caches it.</summary>
public sealed partial class SidecarJwksKeySource(
    AppInvocationClients invocation,
    IOptions<AccessTokenOptions> options,
    TimeProvider time,
    ILogger<SidecarJwksKeySource> logger) : IAccessTokenKeySource, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyCollection<SecurityKey> _keys = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _retryNotBefore = DateTimeOffset.MinValue;

    public async Task<IReadOnlyCollection<SecurityKey>> GetSigningKeysAsync(bool forceRefresh, CancellationToken ct)
    {
        var settings = options.Value;
        if (!NeedsFetch(forceRefresh, settings))
        {
            return _keys;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (!NeedsFetch(forceRefresh, settings))
            {
                return _keys;
            }

            var json = await invocation.For(settings.JwksAppId).GetFromJsonAsync<System.Text.Json.JsonElement>(settings.JwksPath.TrimStart('/'), ct);
            var keys = new JsonWebKeySet(json.GetRawText()).GetSigningKeys();
            _keys = [.. keys];
            _fetchedAt = time.GetUtcNow();
            LogFetched(logger, _keys.Count, settings.JwksAppId);
            return _keys;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _keys.Count > 0)
        {
            // Keep validating with the keys we have; identity being briefly away must not log everybody out.
            _retryNotBefore = time.GetUtcNow() + settings.MinimumRefreshInterval;
            LogFetchFailed(logger, ex, settings.JwksAppId);
            return _keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool NeedsFetch(bool forceRefresh, AccessTokenOptions settings)
    {
        var now = time.GetUtcNow();
        if (_keys.Count > 0 && now < _retryNotBefore)
        {
            return false;
        }

        var age = now - _fetchedAt;
        return _keys.Count == 0
            || age >= settings.KeyCacheDuration
            || (forceRefresh && age >= settings.MinimumRefreshInterval);
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched {Count} signing key(s) from {AppId} through the sidecar")]
    private static partial void LogFetched(ILogger logger, int count, string appId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh signing keys from {AppId}; keeping the cached ones")]
    private static partial void LogFetchFailed(ILogger logger, Exception ex, string appId);
}
