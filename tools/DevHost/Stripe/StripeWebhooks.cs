using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>One POST of an event to the endpoint: the HTTP status it answered, or why there was none.</summary>
/// <param name="Redelivery">Sent through the control API's redeliver, not by the retry schedule.</param>
public sealed record StripeDeliveryAttempt(int Number, DateTimeOffset At, int? Status, string? Error, bool Redelivery);

/// <summary>
/// An event as the control API shows it. <paramref name="Delivery"/>: pending, delivered, failed (attempts used up) or
/// no_endpoint; <paramref name="Deliveries"/>: every POST so far; <paramref name="LastStatus"/>: the last one's HTTP status
/// (null before the first answer).
/// </summary>
public sealed record StripeEventView(string Id, string Type, string ObjectId, long Created, string Delivery, int? LastStatus, IReadOnlyList<StripeDeliveryAttempt> Deliveries, JsonNode Event);

/// <summary>Where events go, the API version they are rendered in, and whether they are being sent.</summary>
public sealed record StripeWebhookEndpointView(Uri? Url, string ApiVersion, bool Paused, int MaxAttempts, TimeSpan FirstRetryDelay);

/// <summary>
/// Events and their delivery, as Stripe does it ("Webhooks", "Verify webhook signatures", "Event object"): each event is
/// POSTed as JSON to the endpoint with <c>Stripe-Signature: t={unix time},v1={hex HMAC-SHA256 of "{t}.{body}" keyed with
/// the whsec_ secret}</c>; a non-2xx answer or no answer is retried with backoff (first retry after
/// <see cref="StripeStandInOptions.WebhookFirstRetryDelay"/>, doubling, at most <see cref="StripeStandInOptions.WebhookMaxAttempts"/>
/// attempts — Stripe's own schedule spans days, too slow for development). Events about one PaymentIntent (its charges
/// and refunds too) are sent one at a time in the order they happened; different intents do not wait for each other.
/// </summary>
public sealed class StripeWebhooks : IAsyncDisposable
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly StripeStandInOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<EventRecord> _events = [];
    private readonly Dictionary<string, EventRecord> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource? _resumed;

    internal StripeWebhooks(StripeStandInOptions options, HttpClient http, TimeProvider time)
    {
        _options = options;
        _http = http;
        _time = time;
    }

    /// <summary>The version events are rendered in and carry: the endpoint's, else the account's (as Stripe renders them).</summary>
    public string ApiVersion => _options.WebhookApiVersion ?? _options.ApiVersion;

    public StripeWebhookEndpointView Endpoint
    {
        get
        {
            lock (_gate) { return new StripeWebhookEndpointView(_options.WebhookUrl, ApiVersion, _resumed is not null, _options.WebhookMaxAttempts, _options.WebhookFirstRetryDelay); }
        }
    }

    /// <summary>The header Stripe sends with <paramref name="payload"/> at <paramref name="timestamp"/>.</summary>
    public static string Signature(string secret, long timestamp, string payload)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var signed = timestamp.ToString(CultureInfo.InvariantCulture) + "." + payload;
        var mac = HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(signed));
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }

    public IReadOnlyList<StripeEventView> List(string? type = null, string? objectId = null)
    {
        lock (_gate)
        {
            return _events
                .Where(e => (type is null || e.Type == type) && (objectId is null || e.ObjectId == objectId || e.StreamKey == objectId))
                .Select(View)
                .ToList();
        }
    }

    public StripeEventView? Find(string id)
    {
        lock (_gate) { return _byId.TryGetValue(id, out var record) ? View(record) : null; }
    }

    /// <summary>Holds back every attempt (first ones and retries) until <see cref="Resume"/>; events keep queueing.</summary>
    public void Pause()
    {
        lock (_gate) { _resumed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _resumed?.TrySetResult();
            _resumed = null;
        }
    }

    /// <summary>Sends the stored event (same id, same body, a fresh signature) once more, now; null when there is no endpoint or no such event.</summary>
    public async Task<StripeDeliveryAttempt?> RedeliverAsync(string id, CancellationToken ct)
    {
        EventRecord? record;
        lock (_gate) { record = _byId.GetValueOrDefault(id); }
        if (record is null || _options.WebhookUrl is null) { return null; }
        return await SendAsync(record, redelivery: true, ct);
    }

    /// <summary>Records an event about <paramref name="data"/> and queues it behind the earlier events of <paramref name="streamKey"/>.</summary>
    /// <param name="previousAttributes">What an <c>*.updated</c> event's object had before, for the fields that changed ("Event object": <c>data.previous_attributes</c>).</param>
    internal string Publish(string type, JsonObject data, string streamKey, StripeRequestInfo request, JsonObject? previousAttributes = null)
    {
        var id = StripeLedger.NewId("evt");
        var created = _time.GetUtcNow().ToUnixTimeSeconds();
        var json = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = ApiVersion,
            ["created"] = created,
            ["data"] = previousAttributes is null ? new JsonObject { ["object"] = data } : new JsonObject { ["object"] = data, ["previous_attributes"] = previousAttributes },
            ["livemode"] = false,
            ["pending_webhooks"] = _options.WebhookUrl is null ? 0 : 1,
            ["request"] = new JsonObject { ["id"] = request.RequestId, ["idempotency_key"] = request.IdempotencyKey },
            ["type"] = type,
        };
        var record = new EventRecord(id, type, data["id"]!.GetValue<string>(), streamKey, created, json.ToJsonString(StripeApiEndpoints.Wire))
        {
            State = _options.WebhookUrl is null ? "no_endpoint" : "pending",
        };
        lock (_gate)
        {
            _events.Add(record);
            _byId[id] = record;
            if (_options.WebhookUrl is null) { return id; }
            var previous = _tails.GetValueOrDefault(streamKey) is { IsCompleted: false } busy ? busy : Task.CompletedTask;
            // Task.Run: the caller holds the ledger's lock; nothing of the delivery may run on its thread.
            _tails[streamKey] = Task.Run(() => DeliverInTurnAsync(previous, record, _stopping.Token));
        }

        return id;
    }

    private async Task DeliverInTurnAsync(Task previous, EventRecord record, CancellationToken ct)
    {
        try
        {
            // The earlier event's outcome does not matter here, only that it is over.
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            for (var attempt = 1; attempt <= _options.WebhookMaxAttempts; attempt++)
            {
                await WaitWhilePausedAsync(ct);
                var result = await SendAsync(record, redelivery: false, ct);
                if (result.Status is >= 200 and < 300) { return; }
                if (attempt < _options.WebhookMaxAttempts)
                {
                    await Task.Delay(_options.WebhookFirstRetryDelay * Math.Pow(2, attempt - 1), _time, ct);
                }
            }

            lock (_gate)
            {
                if (record.State == "pending") { record.State = "failed"; }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The stand-in is stopping; undelivered events stay pending.
        }
    }

    private async Task WaitWhilePausedAsync(CancellationToken ct)
    {
        Task resumed;
        lock (_gate) { resumed = _resumed?.Task ?? Task.CompletedTask; }
        await resumed.WaitAsync(ct);
    }

    private async Task<StripeDeliveryAttempt> SendAsync(EventRecord record, bool redelivery, CancellationToken ct)
    {
        var at = _time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.WebhookUrl)
        {
            Content = new StringContent(record.Payload, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Signature(_options.WebhookSecret, at.ToUnixTimeSeconds(), record.Payload));
        request.Headers.TryAddWithoutValidation("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        int? status = null;
        string? error = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException ex)
        {
            error = $"unreachable: {ex.HttpRequestError}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"no answer within {AttemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }

        lock (_gate)
        {
            var attempt = new StripeDeliveryAttempt(record.Attempts.Count + 1, at, status, error, redelivery);
            record.Attempts.Add(attempt);
            if (status is >= 200 and < 300) { record.State = "delivered"; }
            return attempt;
        }
    }

    private static StripeEventView View(EventRecord r) =>
        new(r.Id, r.Type, r.ObjectId, r.Created, r.State, r.Attempts.LastOrDefault()?.Status, r.Attempts.ToList(), JsonNode.Parse(r.Payload)!);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] tails;
        lock (_gate) { tails = [.. _tails.Values]; }
        await Task.WhenAll(tails).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private sealed class EventRecord(string id, string type, string objectId, string streamKey, long created, string payload)
    {
        public string Id { get; } = id;

        public string Type { get; } = type;

        public string ObjectId { get; } = objectId;

        /// <summary>The PaymentIntent (or customer) whose events go out one after another.</summary>
        public string StreamKey { get; } = streamKey;

        public long Created { get; } = created;

        /// <summary>The event's JSON exactly as first sent; retries and redeliveries send these bytes again.</summary>
        public string Payload { get; } = payload;

        public string State { get; set; } = "pending";

        public List<StripeDeliveryAttempt> Attempts { get; } = [];
    }
}
