namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// Saved answers of POSTs made with an Idempotency-Key ("Idempotent requests"): per API key, the first request's
/// endpoint, parameters, status and body; pruned after 24 hours, after which the key starts afresh as at Stripe.
/// Callers hold the ledger's gate.
/// </summary>
internal sealed class StripeIdempotency(TimeProvider time)
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private readonly Dictionary<(string ApiKey, string Key), (SavedResponse Response, DateTimeOffset At)> _saved = [];

    /// <param name="Endpoint">"POST /v1/refunds".</param>
    /// <param name="RequestId">The request that made the answer: a replay names it in <c>Original-Request</c>.</param>
    public sealed record SavedResponse(string Endpoint, string Parameters, int Status, string Body, string RequestId);

    public SavedResponse? Find(string apiKey, string key)
    {
        if (!_saved.TryGetValue((apiKey, key), out var entry)) { return null; }
        if (time.GetUtcNow() - entry.At < Retention) { return entry.Response; }
        _saved.Remove((apiKey, key));
        return null;
    }

    public void Save(string apiKey, string key, SavedResponse response) => _saved[(apiKey, key)] = (response, time.GetUtcNow());
}
