using System.Net;
using System.Text;
using System.Text.Json;

namespace DaprPlatform.Sidecar;

public partial class SidecarClient
{
    /// <summary>GET /v1.0/state/{store}/{key}; a missing key is 204 → default.</summary>
    public async Task<T?> GetStateAsync<T>(string store, string key, ConsistencyMode? consistency = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default)
    {
        using var response = await GetStateResponseAsync(store, key, consistency, metadata, ct);
        return await ReadJsonAsync<T>(response, ct);
    }

    /// <summary>Value (null if the key is missing) plus the ETag the store returned.</summary>
    public async Task<StateEntry<T>> GetStateEntryAsync<T>(string store, string key, ConsistencyMode? consistency = null, CancellationToken ct = default)
    {
        using var response = await GetStateResponseAsync(store, key, consistency, null, ct);
        var value = await ReadJsonAsync<T>(response, ct);
        // Dapr sends the ETag unquoted, which the typed EntityTag parser rejects; read it raw.
        var etag = response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;
        return new StateEntry<T>(key, value, etag);
    }

    public Task SaveStateAsync<T>(string store, string key, T value, StateOptions? options = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default) =>
        SaveBulkStateAsync(store, [new SaveStateItem(key, value, null, options, metadata)], ct);

    /// <summary>Save guarded by an ETag; false when the ETag no longer matches (409).</summary>
    public async Task<bool> TrySaveStateAsync<T>(string store, string key, T value, string etag, StateOptions? options = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            await SaveBulkStateAsync(store, [new SaveStateItem(key, value, etag, options, metadata)], ct);
            return true;
        }
        catch (StateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>POST /v1.0/state/{store} with the array body; 409 → <see cref="StateConcurrencyException"/>.</summary>
    public async Task SaveBulkStateAsync(string store, IReadOnlyList<SaveStateItem> items, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var body = items
            .Select(i => new StateItemWire(i.Key, i.Value, i.ETag, i.Metadata, StateOptionsWire.From(i.Options)))
            .ToList();
        using var response = await SendAsync(HttpMethod.Post, $"v1.0/state/{Segment(store, nameof(store))}", JsonContent(body), ct);
        await ThrowOnStateFailureAsync(response, items.Count == 1 ? items[0].Key : string.Join(",", items.Select(i => i.Key)), "save state", ct);
    }

    /// <summary>DELETE /v1.0/state/{store}/{key} with If-Match; 409 → <see cref="StateConcurrencyException"/>.</summary>
    public async Task DeleteStateAsync(string store, string key, string? etag = null, StateOptions? options = null, CancellationToken ct = default)
    {
        var query = new StringBuilder();
        if (StateWire.Name(options?.Concurrency) is { } concurrency)
        {
            AppendQuery(query, "concurrency", concurrency);
        }

        if (StateWire.Name(options?.Consistency) is { } consistency)
        {
            AppendQuery(query, "consistency", consistency);
        }

        using var request = CreateSidecarRequest(HttpMethod.Delete, $"v1.0/state/{Segment(store, nameof(store))}/{Segment(key, nameof(key))}{query}");
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        using var response = await SendToSidecarAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        await ThrowOnStateFailureAsync(response, key, "delete state", ct);
    }

    public async Task<bool> TryDeleteStateAsync(string store, string key, string etag, StateOptions? options = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            await DeleteStateAsync(store, key, etag, options, ct);
            return true;
        }
        catch (StateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>POST /v1.0/state/{store}/bulk; items come back with data (absent for missing keys), etag and per-key error.</summary>
    public async Task<IReadOnlyList<BulkStateItem>> GetBulkStateAsync(string store, IReadOnlyList<string> keys, int? parallelism = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        using var response = await SendAsync(HttpMethod.Post, $"v1.0/state/{Segment(store, nameof(store))}/bulk", JsonContent(new BulkGetRequestWire(keys, parallelism)), ct);
        await EnsureSuccessAsync(response, "bulk get state", ct);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var items = new List<BulkStateItem>();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            JsonElement? data = item.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d.Clone() : null;
            var error = StringProperty(item, "error");
            items.Add(new BulkStateItem(StringProperty(item, "key") ?? string.Empty, data, StringProperty(item, "etag"), string.IsNullOrEmpty(error) ? null : error));
        }

        return items;
    }

    /// <summary>POST /v1.0/state/{store}/transaction: all operations commit together or none do.</summary>
    public async Task ExecuteStateTransactionAsync(string store, IReadOnlyList<StateTransactionRequest> operations, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var body = new TransactionWire(
            operations.Select(o => new TransactionOperationWire(
                    StateWire.Name(o.Operation),
                    new TransactionItemWire(o.Key, o.Operation == StateOperationType.Upsert ? o.Value : null, o.ETag, o.Metadata, StateOptionsWire.From(o.Options))))
                .ToList(),
            metadata);
        using var response = await SendAsync(HttpMethod.Post, $"v1.0/state/{Segment(store, nameof(store))}/transaction", JsonContent(body), ct);
        await EnsureSuccessAsync(response, "state transaction", ct);
    }

    private async Task<HttpResponseMessage> GetStateResponseAsync(string store, string key, ConsistencyMode? consistency, IReadOnlyDictionary<string, string>? metadata, CancellationToken ct)
    {
        var query = new StringBuilder();
        if (StateWire.Name(consistency) is { } mode)
        {
            AppendQuery(query, "consistency", mode);
        }

        AppendMetadata(query, metadata);
        var response = await SendAsync(HttpMethod.Get, $"v1.0/state/{Segment(store, nameof(store))}/{Segment(key, nameof(key))}{query}", null, ct);
        try
        {
            await EnsureSuccessAsync(response, "get state", ct);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task ThrowOnStateFailureAsync(HttpResponseMessage response, string key, string operation, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var body = await ReadBodyAsync(response, ct);
            throw new StateConcurrencyException(key, ParseDaprError(body).ErrorCode, body);
        }

        await EnsureSuccessAsync(response, operation, ct);
    }
}
