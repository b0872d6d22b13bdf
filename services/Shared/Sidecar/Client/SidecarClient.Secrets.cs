using System.Text;

namespace DaprPlatform.Sidecar;

public partial class SidecarClient
{
    /// <summary>GET /v1.0/secrets/{store}/{name}: a map of key → value (name/value stores answer {"name":"value"}); 204 → empty.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string store, string name, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default)
    {
        var query = new StringBuilder();
        AppendMetadata(query, metadata);
        using var response = await SendAsync(HttpMethod.Get, $"v1.0/secrets/{Segment(store, nameof(store))}/{Segment(name, nameof(name))}{query}", null, ct);
        await EnsureSuccessAsync(response, "get secret", ct);
        return await ReadJsonAsync<Dictionary<string, string>>(response, ct) ?? new Dictionary<string, string>();
    }

    /// <summary>GET /v1.0/secrets/{store}/bulk: secret name → (key → value).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkSecretAsync(string store, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default)
    {
        var query = new StringBuilder();
        AppendMetadata(query, metadata);
        using var response = await SendAsync(HttpMethod.Get, $"v1.0/secrets/{Segment(store, nameof(store))}/bulk{query}", null, ct);
        await EnsureSuccessAsync(response, "get bulk secret", ct);
        var secrets = await ReadJsonAsync<Dictionary<string, Dictionary<string, string>>>(response, ct);
        return secrets is null
            ? new Dictionary<string, IReadOnlyDictionary<string, string>>()
            : secrets.ToDictionary(s => s.Key, s => (IReadOnlyDictionary<string, string>)s.Value);
    }
}
