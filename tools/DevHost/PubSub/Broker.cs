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
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await FanOutAsync(subscriber, ct);
                var due = await DueAsync(subscriber.AppId, ct);
                await Task.WhenAll(due.Select(d => DeliverAsync(subscriber, d, ct)));
                if (due.Count == 0)
                {
                    await wake.WaitAsync(TimeSpan.FromMilliseconds(250), ct);
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

    private sealed record Delivery(long Id, string Pubsub, string Topic, byte[] Payload, bool Raw, int Attempts, DateTimeOffset? ExpiresAt);

    private async Task<List<Delivery>> DueAsync(string subscriber, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, pubsub, topic, payload, raw, attempts, expires_at FROM devhost_deliveries
            WHERE subscriber = $1 AND state = 'pending' AND next_attempt_at <= $2 ORDER BY id LIMIT 16
            """);
        cmd.Parameters.AddWithValue(subscriber);
        cmd.Parameters.AddWithValue(platform.Time.GetUtcNow());
        var list = new List<Delivery>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new Delivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3), reader.GetBoolean(4), reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return list;
    }

    private enum Outcome
    {
        Success,
        Retry,
        Drop,
    }

    private async Task DeliverAsync(SidecarRuntime subscriber, Delivery d, CancellationToken ct)
    {
        var now = platform.Time.GetUtcNow();
        if (d.ExpiresAt is { } expires && expires <= now)
        {
            // ttlInSeconds: an expired event is dropped, never delivered.
            logger.LogWarning("[{AppId}] dropping expired message {Id} on {Topic}", subscriber.AppId, d.Id, d.Topic);
            await FinishAsync(d.Id, "expired", "expired before delivery", ct);
            return;
        }

        var subscription = subscriber.Subscriptions.FirstOrDefault(s => s.PubsubName == d.Pubsub && s.Topic == d.Topic);
        if (subscription is null)
        {
            logger.LogWarning("[{AppId}] no longer subscribes to {Pubsub}/{Topic}; dropping message {Id}", subscriber.AppId, d.Pubsub, d.Topic, d.Id);
            await FinishAsync(d.Id, "dropped", "no subscription", ct);
            return;
        }

        var envelope = Envelope(d, subscription, now);
        var route = Route(subscription, envelope);
        if (route is null)
        {
            logger.LogWarning("[{AppId}] no route matches message {Id} on {Topic}; dropping", subscriber.AppId, d.Id, d.Topic);
            await FinishAsync(d.Id, "dropped", "no matching route", ct);
            return;
        }

        var policy = subscriber.Resources.Resiliency.ComponentInbound.GetValueOrDefault(d.Pubsub);
        var breaker = policy?.CircuitBreaker is { } cb ? platform.Breaker("inbound:" + subscriber.AppId + ":" + d.Pubsub, cb) : null;
        if (breaker is not null && !breaker.TryEnter())
        {
            await RescheduleAsync(d.Id, d.Attempts, now + TimeSpan.FromSeconds(1), "circuit breaker open", ct);
            return;
        }

        var (outcome, status, detail) = await SendAsync(subscriber, route, envelope, policy?.Timeout ?? TimeSpan.FromSeconds(60), ct);
        if (outcome == Outcome.Success)
        {
            breaker?.Success();
            await FinishAsync(d.Id, "delivered", null, ct);
            return;
        }

        var attempts = d.Attempts + 1;
        if (outcome == Outcome.Retry)
        {
            breaker?.Failure();
            if (policy?.Retry is { } retry)
            {
                // The resiliency inbound policy decides: matching codes (if listed), maxRetries (-1 = forever), backoff.
                if ((status is null || retry.Retries(status.Value)) && retry.MayRetry(attempts - 1))
                {
                    await RescheduleAsync(d.Id, attempts, now + retry.DelayBefore(attempts), detail, ct);
                    return;
                }
            }
            else if (subscription.DeadLetterTopic is null)
            {
                // No retry policy and no dead-letter topic: the broker redelivers after its redelivery interval.
                var interval = subscriber.PubSubs.FirstOrDefault(p => p.Name == d.Pubsub)?.PlainValue("redeliverInterval");
                await RescheduleAsync(d.Id, attempts, now + (GoDuration.TryParse(interval, out var i) && i > TimeSpan.Zero ? i : TimeSpan.FromSeconds(60)), detail, ct);
                return;
            }
        }

        if (subscription.DeadLetterTopic is { Length: > 0 } dlq)
        {
            logger.LogWarning("[{AppId}] message {Id} on {Topic} failed ({Detail}); sending to dead-letter topic {Dlq}", subscriber.AppId, d.Id, d.Topic, detail, dlq);
            await PublishAsync(d.Pubsub, dlq, d.Payload, d.Raw, d.ExpiresAt, ct);
            await FinishAsync(d.Id, "deadlettered", detail, ct);
        }
        else
        {
            logger.LogWarning("[{AppId}] message {Id} on {Topic} dropped ({Detail})", subscriber.AppId, d.Id, d.Topic, detail);
            await FinishAsync(d.Id, "dropped", detail, ct);
        }
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
        using var request = InvocationEndpoints.AppRequest(subscriber, HttpMethod.Post, route);
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

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await platform.AppClient.SendAsync(request, cts.Token);
            var code = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            if (code == 404) { return (Outcome.Drop, code, "app returned 404"); }
            if (code < 200 || code > 299) { return (Outcome.Retry, code, $"app returned {code}"); }
            string? status = null;
            try
            {
                if (body.Length > 0 && JsonNode.Parse(body) is JsonObject o && o["status"] is JsonValue s && s.TryGetValue<string>(out var st)) { status = st; }
            }
            catch (JsonException)
            {
                // 2xx with a body that is not JSON counts as success.
            }

            return status?.ToUpperInvariant() switch
            {
                null or "" or "SUCCESS" => (Outcome.Success, code, "success"),
                "RETRY" => (Outcome.Retry, null, "app asked to RETRY"),
                "DROP" => (Outcome.Drop, null, "app asked to DROP"),
                _ => (Outcome.Retry, null, $"unknown status '{status}'"),
            };
        }
        catch (HttpRequestException ex)
        {
            return (Outcome.Retry, null, ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (Outcome.Retry, null, "timeout");
        }
    }

    private async Task FinishAsync(long id, string state, string? detail, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE devhost_deliveries SET state = $2, last_error = $3, attempts = attempts + 1 WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(state);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)detail ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task RescheduleAsync(long id, int attempts, DateTimeOffset next, string detail, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE devhost_deliveries SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(attempts);
        cmd.Parameters.AddWithValue(next);
        cmd.Parameters.AddWithValue(detail);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
