using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.DevHost.Configuration;
using DaprPlatform.DevHost.Sidecar;
using Npgsql;
using NpgsqlTypes;

namespace DaprPlatform.DevHost.PubSub;

/// <summary>
/// DevHost's durable broker: every pubsub component (redis, rabbitmq, kafka, in-memory) is served from one Postgres table,
/// one row per (subscriber app, message), so undelivered messages survive a restart. Delivery is at-least-once;
/// each subscribing app gets its own copy (consumer-group semantics).
/// </summary>
internal sealed class Broker(NpgsqlDataSource db, Platform platform, ILogger logger)
{
    private readonly Dictionary<string, SemaphoreSlim> _wake = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task InitializeAsync(CancellationToken ct) => Postgres.Databases.RunDdlAsync(db, """
        CREATE TABLE IF NOT EXISTS devhost_messages (
            id bigserial PRIMARY KEY,
            pubsub text NOT NULL,
            topic text NOT NULL,
            payload bytea NOT NULL,
            raw boolean NOT NULL,
            expires_at timestamptz NULL,
            published_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS devhost_messages_topic ON devhost_messages (pubsub, topic, id);
        CREATE TABLE IF NOT EXISTS devhost_consumer_groups (
            subscriber text NOT NULL,
            pubsub text NOT NULL,
            topic text NOT NULL,
            last_message_id bigint NOT NULL,
            PRIMARY KEY (subscriber, pubsub, topic));
        CREATE TABLE IF NOT EXISTS devhost_deliveries (
            id bigserial PRIMARY KEY,
            message_id bigint NOT NULL,
            subscriber text NOT NULL,
            pubsub text NOT NULL,
            topic text NOT NULL,
            payload bytea NOT NULL,
            raw boolean NOT NULL,
            state text NOT NULL DEFAULT 'pending',
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL,
            expires_at timestamptz NULL,
            last_error text NULL);
        CREATE INDEX IF NOT EXISTS devhost_deliveries_due ON devhost_deliveries (subscriber, next_attempt_at) WHERE state = 'pending';
        """, ct);

    /// <summary>
    /// Appends the message to the topic's log. Like a Redis stream read by consumer groups, every subscribing app
    /// later gets its own copy, including apps whose subscription is registered after the publish.
    /// </summary>
    public async Task PublishAsync(string pubsub, string topic, byte[] payload, bool raw, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("INSERT INTO devhost_messages (pubsub, topic, payload, raw, expires_at, published_at) VALUES ($1, $2, $3, $4, $5, $6)");
        cmd.Parameters.AddWithValue(pubsub);
        cmd.Parameters.AddWithValue(topic);
        cmd.Parameters.AddWithValue(payload);
        cmd.Parameters.AddWithValue(raw);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = expiresAt is { } e ? e : DBNull.Value });
        cmd.Parameters.AddWithValue(platform.Time.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
        foreach (var sidecar in platform.Sidecars.Values.Where(s => s.Subscriptions.Any(sub => sub.PubsubName == pubsub && sub.Topic == topic)))
        {
            Wake(sidecar.AppId).Release();
        }
    }

    private SemaphoreSlim Wake(string appId)
    {
        lock (_gate)
        {
            if (!_wake.TryGetValue(appId, out var s))
            {
                s = new SemaphoreSlim(0);
                _wake[appId] = s;
            }

            return s;
        }
    }

    /// <summary>Moves new messages of every subscribed topic into the subscriber's delivery rows (its consumer group's offset advances).</summary>
    private async Task FanOutAsync(SidecarRuntime subscriber, CancellationToken ct)
    {
        var topics = subscriber.Subscriptions
            .Where(s => subscriber.PubSubs.Any(p => p.Name == s.PubsubName))
            .Select(s => (s.PubsubName, s.Topic))
            .Distinct()
            .ToList();
        if (topics.Count == 0) { return; }
        await using var conn = await db.OpenConnectionAsync(ct);
        foreach (var (pubsub, topic) in topics)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var group = new NpgsqlCommand("""
                INSERT INTO devhost_consumer_groups (subscriber, pubsub, topic, last_message_id) VALUES ($1, $2, $3, 0)
                ON CONFLICT (subscriber, pubsub, topic) DO NOTHING
                """, conn, tx))
            {
                group.Parameters.AddWithValue(subscriber.AppId);
                group.Parameters.AddWithValue(pubsub);
                group.Parameters.AddWithValue(topic);
                await group.ExecuteNonQueryAsync(ct);
            }

            await using (var move = new NpgsqlCommand("""
                WITH g AS (
                    SELECT last_message_id FROM devhost_consumer_groups WHERE subscriber = $1 AND pubsub = $2 AND topic = $3 FOR UPDATE),
                 m AS (
                    SELECT id, payload, raw, expires_at FROM devhost_messages, g WHERE pubsub = $2 AND topic = $3 AND id > g.last_message_id),
                 ins AS (
                    INSERT INTO devhost_deliveries (message_id, subscriber, pubsub, topic, payload, raw, next_attempt_at, expires_at)
                    SELECT id, $1, $2, $3, payload, raw, $4, expires_at FROM m ORDER BY id RETURNING message_id)
                UPDATE devhost_consumer_groups SET last_message_id = (SELECT max(message_id) FROM ins)
                WHERE subscriber = $1 AND pubsub = $2 AND topic = $3 AND EXISTS (SELECT 1 FROM ins)
                """, conn, tx))
            {
                move.Parameters.AddWithValue(subscriber.AppId);
                move.Parameters.AddWithValue(pubsub);
                move.Parameters.AddWithValue(topic);
                move.Parameters.AddWithValue(platform.Time.GetUtcNow());
                await move.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
        }
    }

    /// <summary>Delivers the app's due messages until <paramref name="ct"/> fires; started once the app channel is ready.</summary>
    public async Task RunDeliveryLoopAsync(SidecarRuntime subscriber, CancellationToken ct)
    {
        var wake = Wake(subscriber.AppId);
        while (!ct.IsCancellationRequested && !subscriber.ShutDown)
        {
            try
            {
                if (!subscriber.AppHealthy)
                {
                    // daprd stops an unhealthy app's subscriptions; messages wait in the broker until it is healthy again.
                    await wake.WaitAsync(TimeSpan.FromMilliseconds(250), ct);
                    continue;
                }

                await FanOutAsync(subscriber, ct);
                var bulk = subscriber.Subscriptions
                    .Where(s => s.Bulk is not null && subscriber.PubSubs.Any(p => p.Name == s.PubsubName))
                    .ToList();
                var due = await DueAsync(subscriber.AppId, bulk, ct);
                var (batches, nextBatchIn) = await DueBatchesAsync(subscriber.AppId, bulk, ct);
                await Task.WhenAll(due.Select(d => DeliverAsync(subscriber, d, ct))
                    .Concat(batches.Select(b => DeliverBatchAsync(subscriber, b.Subscription, b.Deliveries, ct))));
                if (due.Count == 0 && batches.Count == 0)
                {
                    // An open bulk batch wakes the loop when its await window closes.
                    var idle = TimeSpan.FromMilliseconds(250);
                    await wake.WaitAsync(nextBatchIn is { } n && n < idle ? n : idle, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                logger.LogWarning(ex, "[{AppId}] broker loop error; retrying", subscriber.AppId);
                await Task.Delay(TimeSpan.FromSeconds(1), platform.Time, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private sealed record Delivery(long Id, string Pubsub, string Topic, byte[] Payload, bool Raw, int Attempts, DateTimeOffset? ExpiresAt, DateTimeOffset DueAt);

    private static Delivery ReadDelivery(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3), reader.GetBoolean(4), reader.GetInt32(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7));

    /// <summary>Due messages of the app's one-at-a-time subscriptions (topics with bulk enabled are batched separately).</summary>
    private async Task<List<Delivery>> DueAsync(string subscriber, IReadOnlyList<SubscriptionDefinition> bulk, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, pubsub, topic, payload, raw, attempts, expires_at, next_attempt_at FROM devhost_deliveries
            WHERE subscriber = $1 AND state = 'pending' AND next_attempt_at <= $2 AND NOT (pubsub || '/' || topic = ANY($3)) ORDER BY id LIMIT 16
            """);
        cmd.Parameters.AddWithValue(subscriber);
        cmd.Parameters.AddWithValue(platform.Time.GetUtcNow());
        cmd.Parameters.AddWithValue(bulk.Select(s => s.PubsubName + "/" + s.Topic).ToArray());
        var list = new List<Delivery>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) { list.Add(ReadDelivery(reader)); }

        return list;
    }

    /// <summary>
    /// Bulk subscribe (docs: pubsub-bulk): a batch closes when it holds maxMessagesCount messages or when
    /// maxAwaitDurationMs has passed since its first message became due. Also returns how long until the next open batch closes.
    /// </summary>
    private async Task<(List<(SubscriptionDefinition Subscription, List<Delivery> Deliveries)> Ready, TimeSpan? NextIn)> DueBatchesAsync(
        string subscriber, IReadOnlyList<SubscriptionDefinition> bulk, CancellationToken ct)
    {
        var ready = new List<(SubscriptionDefinition, List<Delivery>)>();
        TimeSpan? nextIn = null;
        foreach (var subscription in bulk)
        {
            var settings = subscription.Bulk!;
            var now = platform.Time.GetUtcNow();
            await using var cmd = db.CreateCommand("""
                SELECT id, pubsub, topic, payload, raw, attempts, expires_at, next_attempt_at FROM devhost_deliveries
                WHERE subscriber = $1 AND pubsub = $2 AND topic = $3 AND state = 'pending' AND next_attempt_at <= $4 ORDER BY id LIMIT $5
                """);
            cmd.Parameters.AddWithValue(subscriber);
            cmd.Parameters.AddWithValue(subscription.PubsubName);
            cmd.Parameters.AddWithValue(subscription.Topic);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(settings.MaxMessagesCount);
            var rows = new List<Delivery>();
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) { rows.Add(ReadDelivery(reader)); }
            }

            if (rows.Count == 0) { continue; }
            var closesAt = rows.Min(r => r.DueAt) + TimeSpan.FromMilliseconds(settings.MaxAwaitDurationMs);
            if (rows.Count >= settings.MaxMessagesCount || closesAt <= now)
            {
                ready.Add((subscription, rows));
            }
            else if (nextIn is null || closesAt - now < nextIn)
            {
                nextIn = closesAt - now;
            }
        }

        return (ready, nextIn);
    }

    private enum Outcome
    {
        Success,
        Retry,
        Drop,
    }

    /// <summary>Where a delivery goes after an attempt: a final state, or back to pending at <see cref="RetryAt"/>.</summary>
    private readonly record struct Disposition(string State, DateTimeOffset? RetryAt);

    private sealed record Finished(Delivery Delivery, string State, string? Detail);

    private sealed record Rescheduled(Delivery Delivery, int Attempts, DateTimeOffset At, string Detail);

    private async Task DeliverAsync(SidecarRuntime subscriber, Delivery d, CancellationToken ct)
    {
        var now = platform.Time.GetUtcNow();
        if (d.ExpiresAt is { } expires && expires <= now)
        {
            // ttlInSeconds: an expired event is dropped, never delivered.
            logger.LogWarning("[{AppId}] dropping expired message {Id} on {Topic}", subscriber.AppId, d.Id, d.Topic);
            await SettleAsync([new Finished(d, "expired", "expired before delivery")], [], ct);
            return;
        }

        var subscription = subscriber.Subscriptions.FirstOrDefault(s => s.PubsubName == d.Pubsub && s.Topic == d.Topic);
        if (subscription is null)
        {
            logger.LogWarning("[{AppId}] no longer subscribes to {Pubsub}/{Topic}; dropping message {Id}", subscriber.AppId, d.Pubsub, d.Topic, d.Id);
            await SettleAsync([new Finished(d, "dropped", "no subscription")], [], ct);
            return;
        }

        var envelope = Envelope(d, subscription, now);
        var route = Route(subscription, envelope);
        if (route is null)
        {
            logger.LogWarning("[{AppId}] no route matches message {Id} on {Topic}; dropping", subscriber.AppId, d.Id, d.Topic);
            await SettleAsync([new Finished(d, "dropped", "no matching route")], [], ct);
            return;
        }

        var policy = subscriber.Resources.Resiliency.ComponentInbound.GetValueOrDefault(d.Pubsub);
        var breaker = policy?.CircuitBreaker is { } cb ? platform.Breaker("inbound:" + subscriber.AppId + ":" + d.Pubsub, cb) : null;
        if (breaker is not null && !breaker.TryEnter())
        {
            await SettleAsync([], [new Rescheduled(d, d.Attempts, now + TimeSpan.FromSeconds(1), "circuit breaker open")], ct);
            return;
        }

        var (outcome, status, detail) = await SendAsync(subscriber, route, envelope, policy?.Timeout ?? TimeSpan.FromSeconds(60), ct);
        if (outcome == Outcome.Success) { breaker?.Success(); }
        if (outcome == Outcome.Retry) { breaker?.Failure(); }
        await ApplyAsync(subscriber, subscription, policy, [(d, outcome, status, detail)], now, ct);
    }

    /// <summary>
    /// One bulk delivery (docs: pubsub_api "Expected HTTP Response for Bulk Subscribe"; dapr pkg/runtime/subscription/bulksubscription.go):
    /// expired entries are dropped unsent, routing rules apply per entry and each route gets its own request.
    /// </summary>
    private async Task DeliverBatchAsync(SidecarRuntime subscriber, SubscriptionDefinition subscription, List<Delivery> deliveries, CancellationToken ct)
    {
        var now = platform.Time.GetUtcNow();
        var finished = new List<Finished>();
        var byRoute = new Dictionary<string, List<(Delivery Delivery, string EntryId, JsonNode Event, string ContentType)>>(StringComparer.Ordinal);
        foreach (var d in deliveries)
        {
            if (d.ExpiresAt is { } expires && expires <= now)
            {
                // ttlInSeconds: an expired entry is dropped, never delivered.
                finished.Add(new Finished(d, "expired", "expired before delivery"));
                continue;
            }

            var envelope = Envelope(d, subscription, now);
            var route = Route(subscription, envelope);
            if (route is null)
            {
                finished.Add(new Finished(d, "dropped", "no matching route"));
                continue;
            }

            // Raw-payload entries carry the bytes base64-encoded with contentType application/octet-stream; others the CloudEvent object.
            var entry = subscription.RawPayload
                ? (d, Guid.NewGuid().ToString(), (JsonNode)JsonValue.Create(Convert.ToBase64String(d.Payload)), "application/octet-stream")
                : (d, Guid.NewGuid().ToString(), (JsonNode)envelope, CloudEvents.ContentType);
            if (!byRoute.TryGetValue(route, out var list)) { byRoute[route] = list = []; }
            list.Add(entry);
        }

        if (finished.Count > 0) { await SettleAsync(finished, [], ct); }
        var policy = subscriber.Resources.Resiliency.ComponentInbound.GetValueOrDefault(subscription.PubsubName);
        var breaker = policy?.CircuitBreaker is { } cb ? platform.Breaker("inbound:" + subscriber.AppId + ":" + subscription.PubsubName, cb) : null;
        foreach (var (route, entries) in byRoute)
        {
            if (breaker is not null && !breaker.TryEnter())
            {
                await SettleAsync([], entries.Select(e => new Rescheduled(e.Delivery, e.Delivery.Attempts, now + TimeSpan.FromSeconds(1), "circuit breaker open")).ToList(), ct);
                continue;
            }

            var body = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["type"] = "com.dapr.event.sent.bulk",
                ["topic"] = subscription.Topic,
                ["pubsubname"] = subscription.PubsubName,
                ["metadata"] = new JsonObject { ["pubsubName"] = subscription.PubsubName },
                ["entries"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
                {
                    ["entryId"] = e.EntryId,
                    ["event"] = e.Event.DeepClone(),
                    ["metadata"] = new JsonObject(),
                    ["contentType"] = e.ContentType,
                }).ToArray()),
            };
            var results = await SendBulkAsync(subscriber, route, subscription.PubsubName, body, entries.Select(e => e.EntryId).ToList(), policy?.Timeout ?? TimeSpan.FromSeconds(60), ct);
            if (results.Values.Any(r => r.Outcome == Outcome.Retry)) { breaker?.Failure(); } else { breaker?.Success(); }
            await ApplyAsync(subscriber, subscription, policy, entries.Select(e => (e.Delivery, results[e.EntryId].Outcome, results[e.EntryId].Status, results[e.EntryId].Detail)).ToList(), now, ct);
        }
    }

    /// <summary>Turns attempt outcomes into final states, reschedules and dead-letter publishes, then writes them in one statement per kind.</summary>
    private async Task ApplyAsync(
        SidecarRuntime subscriber,
        SubscriptionDefinition subscription,
        TargetPolicy? policy,
        IReadOnlyList<(Delivery Delivery, Outcome Outcome, int? Status, string Detail)> attempts,
        DateTimeOffset now,
        CancellationToken ct)
    {
        var finished = new List<Finished>();
        var rescheduled = new List<Rescheduled>();
        foreach (var (d, outcome, status, detail) in attempts)
        {
            var next = Decide(subscriber, subscription, policy, outcome, status, d.Attempts, now);
            if (next.RetryAt is { } at)
            {
                rescheduled.Add(new Rescheduled(d, d.Attempts + 1, at, detail));
                continue;
            }

            if (next.State == "deadlettered")
            {
                logger.LogWarning("[{AppId}] message {Id} on {Topic} failed ({Detail}); sending to dead-letter topic {Dlq}", subscriber.AppId, d.Id, d.Topic, detail, subscription.DeadLetterTopic);
                await PublishAsync(d.Pubsub, subscription.DeadLetterTopic!, d.Payload, d.Raw, d.ExpiresAt, ct);
            }
            else if (next.State == "dropped")
            {
                logger.LogWarning("[{AppId}] message {Id} on {Topic} dropped ({Detail})", subscriber.AppId, d.Id, d.Topic, detail);
            }

            finished.Add(new Finished(d, next.State, next.State == "delivered" ? null : detail));
        }

        await SettleAsync(finished, rescheduled, ct);
    }

    /// <summary>
    /// The pub/sub response rules after one attempt (docs: pubsub_api "Expected HTTP Response"; pubsub-deadletter):
    /// RETRY goes through the component's inbound retry policy; once it gives up, or on DROP, the message goes to the
    /// dead-letter topic when one is set, else it is dropped.
    /// </summary>
    private static Disposition Decide(SidecarRuntime subscriber, SubscriptionDefinition subscription, TargetPolicy? policy, Outcome outcome, int? status, int attemptsBefore, DateTimeOffset now)
    {
        if (outcome == Outcome.Success) { return new Disposition("delivered", null); }
        var attempts = attemptsBefore + 1;
        if (outcome == Outcome.Retry)
        {
            if (policy?.Retry is { } retry)
            {
                // The resiliency inbound policy decides: matching codes (if listed), maxRetries (-1 = forever), backoff.
                if ((status is null || retry.Retries(status.Value)) && retry.MayRetry(attempts - 1))
                {
                    return new Disposition("pending", now + retry.DelayBefore(attempts));
                }
            }
            else if (subscription.DeadLetterTopic is null)
            {
                // No retry policy and no dead-letter topic: the broker redelivers after its redelivery interval.
                var interval = subscriber.PubSubs.FirstOrDefault(p => p.Name == subscription.PubsubName)?.PlainValue("redeliverInterval");
                return new Disposition("pending", now + (GoDuration.TryParse(interval, out var i) && i > TimeSpan.Zero ? i : TimeSpan.FromSeconds(60)));
            }
        }

        return new Disposition(subscription.DeadLetterTopic is { Length: > 0 } ? "deadlettered" : "dropped", null);
    }

    private static JsonObject Envelope(Delivery d, SubscriptionDefinition subscription, DateTimeOffset now)
    {
        if (subscription.RawPayload)
        {
            return CloudEvents.WrapRaw(d.Payload, d.Pubsub, d.Topic, now);
        }

        try
        {
            if (JsonNode.Parse(d.Payload) is JsonObject ce && ce.ContainsKey("specversion")) { return ce; }
        }
        catch (JsonException)
        {
            // A raw payload that is not a CloudEvent: delivered wrapped, as Dapr does for raw messages.
        }

        return CloudEvents.WrapRaw(d.Payload, d.Pubsub, d.Topic, now);
    }

    /// <summary>Rules in order, then routes.default / route.</summary>
    private static string? Route(SubscriptionDefinition subscription, JsonObject envelope)
    {
        if (subscription.Rules.Count > 0)
        {
            var element = JsonSerializer.SerializeToElement(envelope);
            foreach (var rule in subscription.Rules)
            {
                if (rule.Match is null || rule.Match.Matches(element)) { return rule.Path; }
            }
        }

        return subscription.DefaultRoute;
    }

    private async Task<(Outcome Outcome, int? Status, string Detail)> SendAsync(SidecarRuntime subscriber, string route, JsonObject envelope, TimeSpan timeout, CancellationToken ct)
    {
        using var request = subscriber.AppRequest(HttpMethod.Post, route);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(envelope.ToJsonString()));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", CloudEvents.ContentType);
        request.Headers.TryAddWithoutValidation("pubsubname", envelope["pubsubname"]?.GetValue<string>());
        if (envelope["traceparent"] is JsonValue tp && tp.TryGetValue<string>(out var traceparent) && traceparent.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        }

        if (envelope["tracestate"] is JsonValue ts && ts.TryGetValue<string>(out var tracestate) && tracestate.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("tracestate", tracestate);
        }

        var (code, body, failure) = await ExchangeAsync(request, timeout, ct);
        if (code is null) { return (Outcome.Retry, null, failure!); }
        if (code == 404) { return (Outcome.Drop, code, "app returned 404"); }
        if (code < 200 || code > 299) { return (Outcome.Retry, code, $"app returned {code}"); }
        string? status;
        try
        {
            status = AppReplies.TryDecode<DeliveryReply>(body, out var reply) ? reply?.Status : null;
        }
        catch (JsonException)
        {
            // As in daprd: a 2xx whose body cannot be decoded skips the status check and counts as success.
            status = null;
        }

        // daprd compares the status as sent: "success" is not SUCCESS but an unknown status, which is retried.
        return status switch
        {
            null or "" or DeliveryStatus.Success => (Outcome.Success, code, "success"),
            DeliveryStatus.Retry => (Outcome.Retry, null, "app asked to RETRY"),
            DeliveryStatus.Drop => (Outcome.Drop, null, "app asked to DROP"),
            _ => (Outcome.Retry, null, $"unknown status '{status}'"),
        };
    }

    /// <summary>Sends a sidecar → app delivery under the inbound timeout; no answer (connection error, timeout) gives a null code and the reason.</summary>
    private async Task<(int? Code, byte[] Body, string? Failure)> ExchangeAsync(HttpRequestMessage request, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await platform.AppClient.SendAsync(request, cts.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cts.Token), null);
        }
        catch (HttpRequestException ex)
        {
            return (null, [], ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, [], "timeout");
        }
    }

    /// <summary>
    /// Posts one bulk request and reads a status per entry (docs: pubsub_api bulk subscribe response; pubsub-bulk):
    /// 2xx → each entry's SUCCESS/RETRY/DROP from <c>statuses</c>, an entry missing from it (or an unreadable reply) → RETRY;
    /// 404 → every entry dropped; any other status or no answer → every entry retried.
    /// </summary>
    private async Task<Dictionary<string, (Outcome Outcome, int? Status, string Detail)>> SendBulkAsync(
        SidecarRuntime subscriber, string route, string pubsub, JsonObject body, IReadOnlyList<string> entryIds, TimeSpan timeout, CancellationToken ct)
    {
        Dictionary<string, (Outcome, int?, string)> All(Outcome outcome, int? status, string detail) => entryIds.ToDictionary(id => id, _ => (outcome, status, detail), StringComparer.Ordinal);

        using var request = subscriber.AppRequest(HttpMethod.Post, route);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TryAddWithoutValidation("pubsubname", pubsub);
        var (code, replyBody, failure) = await ExchangeAsync(request, timeout, ct);
        if (code is null) { return All(Outcome.Retry, null, failure!); }
        if (code == 404) { return All(Outcome.Drop, code, "app returned 404"); }
        if (code < 200 || code > 299) { return All(Outcome.Retry, code, $"app returned {code}"); }
        BulkDeliveryReply? reply;
        try
        {
            // An empty body (io.EOF to daprd) is as unreadable as a malformed one.
            if (!AppReplies.TryDecode(replyBody, out reply)) { return All(Outcome.Retry, null, "empty reply"); }
        }
        catch (JsonException ex)
        {
            return All(Outcome.Retry, null, $"unreadable reply: {ex.Message}");
        }

        var result = All(Outcome.Retry, null, "no status for the entry");
        foreach (var item in reply?.Statuses?.OfType<BulkDeliveryEntryReply>() ?? [])
        {
            if (item.EntryId is not { } id || !result.ContainsKey(id)) { continue; }

            // Compared as sent, as daprd does; an empty or unknown status is a RETRY.
            result[id] = item.Status switch
            {
                DeliveryStatus.Success => (Outcome.Success, code, "success"),
                DeliveryStatus.Drop => (Outcome.Drop, null, "app asked to DROP"),
                DeliveryStatus.Retry => (Outcome.Retry, null, "app asked to RETRY"),
                _ => (Outcome.Retry, null, $"unknown status '{item.Status}'"),
            };
        }

        return result;
    }

    /// <summary>Writes outcomes with one UPDATE for final states and one for reschedules, however many deliveries they cover.</summary>
    private async Task SettleAsync(IReadOnlyList<Finished> finished, IReadOnlyList<Rescheduled> rescheduled, CancellationToken ct)
    {
        if (finished.Count > 0)
        {
            await using var cmd = db.CreateCommand("""
                UPDATE devhost_deliveries d SET state = u.state, last_error = u.detail, attempts = d.attempts + 1
                FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, state, detail) WHERE d.id = u.id
                """);
            cmd.Parameters.AddWithValue(finished.Select(f => f.Delivery.Id).ToArray());
            cmd.Parameters.AddWithValue(finished.Select(f => f.State).ToArray());
            cmd.Parameters.AddWithValue(finished.Select(f => f.Detail).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        if (rescheduled.Count > 0)
        {
            await using var cmd = db.CreateCommand("""
                UPDATE devhost_deliveries d SET attempts = u.attempts, next_attempt_at = u.at, last_error = u.detail
                FROM unnest($1::bigint[], $2::integer[], $3::timestamptz[], $4::text[]) AS u(id, attempts, at, detail) WHERE d.id = u.id
                """);
            cmd.Parameters.AddWithValue(rescheduled.Select(r => r.Delivery.Id).ToArray());
            cmd.Parameters.AddWithValue(rescheduled.Select(r => r.Attempts).ToArray());
            cmd.Parameters.AddWithValue(rescheduled.Select(r => r.At).ToArray());
            cmd.Parameters.AddWithValue(rescheduled.Select(r => r.Detail).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
