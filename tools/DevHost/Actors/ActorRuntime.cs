using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.DevHost.Configuration;
using DaprPlatform.DevHost.Sidecar;

namespace DaprPlatform.DevHost.Actors;

/// <summary>
/// DevHost's actor runtime for one machine: placement (each type routed to the app whose GET /dapr/config lists it),
/// one turn at a time per actor id across every caller (invocations from any sidecar, timers, reminders), reentrancy,
/// idle deactivation, in-memory timers and Postgres-backed reminders (docs: developing-applications/building-blocks/actors).
/// </summary>
internal sealed class ActorRuntime(Platform platform, ReminderStore reminders, ILogger logger, Action<string> print)
{
    // Reminder callbacks that fail are retried this many times, one second apart, before the schedule moves on.
    private const int ReminderRetries = 3;
    private static readonly TimeSpan ReminderRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReminderPoll = TimeSpan.FromMilliseconds(200);

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
        "Content-Length", "Content-Type", "dapr-api-token", "dapr-app-id", "dapr-caller-app-id", "dapr-callee-app-id", "dapr-caller-namespace", "Dapr-Reentrancy-Id",
    };

    private readonly Lock _placementGate = new();
    private readonly Dictionary<string, IReadOnlyList<ActorTypeSettings>> _offers = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, ActorTypeSettings> _placement = new Dictionary<string, ActorTypeSettings>(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Type, string Id), ActorInstance> _actors = new();
    private readonly ConcurrentDictionary<(string Type, string Id, string Name), ActorTimer> _timers = new();
    private readonly ConcurrentDictionary<(string Type, string Id, string Name), byte> _remindersInFlight = new();
    private readonly SemaphoreSlim _reminderWake = new(0);
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, TargetPolicy>> _resiliency = new(StringComparer.Ordinal);

    public ReminderStore Reminders { get; } = reminders;

    private TimeProvider Time => platform.Time;

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The type's placement, or null when no app hosts it.</summary>
    public ActorTypeSettings? Placement(string actorType) => _placement.GetValueOrDefault(actorType);

    /// <summary>Active actors per type hosted by <paramref name="appId"/> (metadata API: actors[{type,count}]).</summary>
    public IReadOnlyList<(string Type, int Count)> ActiveCounts(string appId)
        => _placement.Values.Where(p => p.HostAppId == appId).OrderBy(p => p.ActorType, StringComparer.Ordinal)
            .Select(p => (p.ActorType, _actors.Values.Count(a => a.Type == p.ActorType && !a.Deactivated)))
            .ToList();

    /// <summary>Like daprd at start-up: GET /dapr/config with dapr-app-id; 200 registers the listed types, 404 means the app hosts none.</summary>
    public async Task LoadAppConfigAsync(SidecarRuntime app, CancellationToken ct)
    {
        if (app.App.AppPort is null) { return; }
        using var request = app.AppRequest(HttpMethod.Get, "/dapr/config");
        request.Headers.TryAddWithoutValidation("dapr-app-id", app.AppId);
        IReadOnlyList<ActorTypeSettings> types;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await platform.AppClient.SendAsync(request, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    logger.LogWarning("[{AppId}] GET /dapr/config answered {Status}; the app hosts no actors", app.AppId, (int)response.StatusCode);
                }

                types = [];
            }
            else
            {
                // An empty 200 reply declares nothing, like a 404.
                types = AppActorConfig.Parse(await response.Content.ReadAsByteArrayAsync(ct), app.AppId);
            }
        }
        catch (HttpRequestException)
        {
            logger.LogInformation("[{AppId}] app not reachable for GET /dapr/config; no actor types yet", app.AppId);
            return;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("[{AppId}] GET /dapr/config timed out; no actor types yet", app.AppId);
            return;
        }
        catch (Exception ex) when (ex is JsonException or DevHostConfigurationException)
        {
            logger.LogWarning("[{AppId}] GET /dapr/config returned an unusable reply: {Message}", app.AppId, ex.Message);
            return;
        }

        Register(app.AppId, types);
        if (types.Count > 0 && !app.Resources.Components.Any(c => c.Kind == "state"
            && string.Equals(c.PlainValue("actorStateStore"), "true", StringComparison.OrdinalIgnoreCase)))
        {
            print($"[{app.AppId}] actors: no state store has actorStateStore: \"true\"; actor state calls answer ERR_ACTOR_STATE_GET / ERR_ACTOR_STATE_TRANSACTION_SAVE");
        }
    }

    /// <summary>Records which types an app offers and recomputes placement; a type offered by two apps goes to the first app id in ordinal order.</summary>
    public void Register(string appId, IReadOnlyList<ActorTypeSettings> types)
    {
        List<string> lines = [];
        lock (_placementGate)
        {
            _offers[appId] = types;
            var placement = new Dictionary<string, ActorTypeSettings>(StringComparer.Ordinal);
            foreach (var (offeringApp, offered) in _offers.OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                foreach (var t in offered)
                {
                    if (placement.TryGetValue(t.ActorType, out var first))
                    {
                        if (offeringApp == appId || first.HostAppId == appId)
                        {
                            lines.Add($"actors: warning: {t.ActorType} is listed by both {first.HostAppId} and {offeringApp}; DevHost places it on {first.HostAppId} only");
                        }

                        continue;
                    }

                    placement[t.ActorType] = t;
                }
            }

            _placement = placement;
            lines.AddRange(placement.Values.Where(p => p.HostAppId == appId).OrderBy(p => p.ActorType, StringComparer.Ordinal)
                .Select(p => $"actors: {p.ActorType} → {p.HostAppId} (placement: DevHost, single machine; idle timeout {p.IdleTimeout}, reentrancy {(p.Reentrancy ? $"on, max depth {p.MaxStackDepth}" : "off")})"));
        }

        foreach (var line in lines) { print(line); }
        _reminderWake.Release();
    }

    /// <summary>
    /// Invokes an actor method: waits for the actor's turn (or re-enters it), then calls PUT /actors/{type}/{id}/method/{method}
    /// on the hosting app. Only a 200 reply is success; the reply is returned as is (also when it carries X-DaprErrorResponseHeader).
    /// </summary>
    public async Task<ActorResponse> InvokeAsync(
        SidecarRuntime caller, string actorType, string actorId, string method, byte[] body, string? contentType,
        IEnumerable<KeyValuePair<string, string[]>> headers, string query, string? reentrancyId, CancellationToken ct)
    {
        var placement = Placement(actorType)
            ?? throw ActorApiException.InvokeMethod($"failed to lookup actor: did not find address for actor {actorType}/{actorId}");
        var host = HostOf(placement) ?? throw ActorApiException.InvokeMethod($"app channel for actor type {actorType} is not initialized");
        var forwarded = headers.Where(h => !NotForwarded.Contains(h.Key)).ToList();
        var policy = ResiliencyOf(caller).GetValueOrDefault(actorType);
        return await InTurnAsync(placement, actorId, reentrancyId, async rid =>
        {
            // Resiliency targets.actors.<type> of the calling sidecar: a timeout per attempt, retries for transient failures.
            var retries = 0;
            while (true)
            {
                try
                {
                    return await CallMethodOnceAsync(caller, host, actorType, actorId, method, body, contentType, forwarded, query, rid, policy?.Timeout, ct);
                }
                catch (ActorApiException ex) when (ex.Transient && policy?.Retry is { } retry && retry.MayRetry(retries)
                    && (ex.UpstreamStatus is not { } status || retry.Retries(status)))
                {
                    retries++;
                    await Task.Delay(retry.DelayBefore(retries), Time, ct);
                }
            }
        }, ct);
    }

    private IReadOnlyDictionary<string, TargetPolicy> ResiliencyOf(SidecarRuntime caller) => _resiliency.GetOrAdd(caller.AppId, _ =>
    {
        try
        {
            return ActorResiliency.Load(caller.App);
        }
        catch (Exception ex) when (ex is DevHostConfigurationException or YamlDotNet.Core.YamlException or FormatException or IOException)
        {
            logger.LogWarning("[{AppId}] resiliency targets.actors not applied: {Message}", caller.AppId, ex.Message);
            return new Dictionary<string, TargetPolicy>();
        }
    });

    private async Task<ActorResponse> CallMethodOnceAsync(
        SidecarRuntime caller, SidecarRuntime host, string actorType, string actorId, string method, byte[] body, string? contentType,
        IReadOnlyList<KeyValuePair<string, string[]>> forwarded, string query, string? rid, TimeSpan? timeout, CancellationToken ct)
    {
        using var request = CallbackRequest(host, HttpMethod.Put, $"actors/{Escape(actorType)}/{Escape(actorId)}/method/{Escape(method)}{query}", body, contentType);
        foreach (var (name, values) in forwarded) { request.Headers.TryAddWithoutValidation(name, values); }

        // daprd marks API calls and stamps the caller; the reentrancy id goes out only for reentrant types.
        request.Headers.TryAddWithoutValidation("Dapr-API-Call", "true");
        request.Headers.TryAddWithoutValidation("dapr-caller-app-id", caller.AppId);
        request.Headers.TryAddWithoutValidation("dapr-caller-namespace", caller.Namespace);
        if (rid is not null) { request.Headers.TryAddWithoutValidation("Dapr-Reentrancy-Id", rid); }
        if (!request.Headers.Contains("traceparent")) { request.Headers.TryAddWithoutValidation("traceparent", NewTraceparent()); }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t) { attempt.CancelAfter(t); }
        HttpResponseMessage response;
        try
        {
            response = await platform.AppClient.SendAsync(request, attempt.Token);
        }
        catch (HttpRequestException ex)
        {
            throw ActorApiException.InvokeMethod("error from actor service: " + ex.Message, transient: true);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw ActorApiException.InvokeMethod("error from actor service: timeout (resiliency policy) exceeded", transient: true);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var replyBody = await response.Content.ReadAsByteArrayAsync(ct);

            // daprd: 404 = "method not found" (permanent); anything but exactly 200 is an error, 204 included.
            if (status == 404) { throw ActorApiException.InvokeMethod("actor method not found: " + method); }
            if (status != 200)
            {
                throw ActorApiException.InvokeMethod($"error from actor service: ({status}) {Encoding.UTF8.GetString(replyBody)}", transient: true, upstreamStatus: status);
            }

            var replyHeaders = response.Headers.Concat(response.Content.Headers)
                .Where(h => !NotForwarded.Contains(h.Key) || h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                .Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.ToArray()))
                .ToList();
            return new ActorResponse(status, replyHeaders, replyBody);
        }
    }

    /// <summary>Starts (or replaces) an in-memory timer; timers need the actor to be active, as in daprd, and end when it deactivates.</summary>
    public void CreateTimer(ActorTypeSettings placement, string actorId, string name, string callback, string? dataJson, string dueTime, string period, string ttl)
    {
        var now = Time.GetUtcNow();
        var due = ActorSchedule.DueAt(dueTime, now);
        var every = ActorSchedule.Period(period);
        var expires = ActorSchedule.ExpiresAt(ttl, now);
        if (expires is { } e && e < due) { throw new FormatException($"timer {name} expires (ttl {ttl}) before its due time"); }
        if (!_actors.TryGetValue((placement.ActorType, actorId), out var actor) || actor.Deactivated)
        {
            throw new InvalidOperationException($"can't create timer for actor {placement.ActorType}||{actorId}: actor not activated");
        }

        var timer = new ActorTimer(placement, actorId, name, callback, dataJson, dueTime, period, due, every, expires);
        var key = (placement.ActorType, actorId, name);
        _timers.AddOrUpdate(key, timer, (_, old) =>
        {
            old.Cancel();
            return timer;
        });
        _ = Task.Run(() => RunTimerAsync(key, timer));
    }

    public void DeleteTimer(string actorType, string actorId, string name)
    {
        if (_timers.TryRemove((actorType, actorId, name), out var timer)) { timer.Cancel(); }
    }

    /// <summary>A reminder row built from the create body; the first fire time is computed now.</summary>
    public static ReminderRow NewReminder(string actorType, string actorId, string name, string? dataJson, string dueTime, string period, string ttl, DateTimeOffset now)
    {
        var due = ActorSchedule.DueAt(dueTime, now);
        var every = ActorSchedule.Period(period);
        var expires = ActorSchedule.ExpiresAt(ttl, now);
        if (expires is { } e && e < due) { throw new FormatException($"reminder {name} expires (ttl {ttl}) before its due time"); }
        return new ReminderRow(actorType, actorId, name, dataJson, dueTime, period, ttl, due, every?.Repetitions, expires, 0, Guid.NewGuid());
    }

    /// <summary>Nudges the reminder loop after a create, so a reminder due now fires without waiting for the next poll.</summary>
    public void WakeReminders() => _reminderWake.Release();

    /// <summary>Fires due reminders of placed types until <paramref name="ct"/> is cancelled; missed due times fire at once.</summary>
    public async Task RunReminderLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var placed = _placement.Keys.ToList();
                foreach (var row in await Reminders.DueAsync(placed, Time.GetUtcNow(), ct))
                {
                    var key = (row.ActorType, row.ActorId, row.Name);
                    if (_remindersInFlight.TryAdd(key, 0))
                    {
                        _ = Task.Run(() => FireReminderAsync(row, key, ct), CancellationToken.None);
                    }
                }

                await _reminderWake.WaitAsync(ReminderPoll, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
            {
                logger.LogWarning("actor reminders: {Message}", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), Time, CancellationToken.None);
            }
        }
    }

    /// <summary>Deactivates actors idle longer than their type's actorIdleTimeout, checking every actorScanInterval.</summary>
    public async Task RunIdleScanLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var placement = _placement;
            // Never sleep longer than a second, so types registered later get their own (shorter) scan interval promptly.
            var interval = placement.Count == 0 ? TimeSpan.FromSeconds(1) : placement.Values.Min(p => p.ScanInterval);
            interval = TimeSpan.FromMilliseconds(Math.Clamp(interval.TotalMilliseconds, 50, 1000));
            try
            {
                await Task.Delay(interval, Time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = Time.GetUtcNow();
            foreach (var actor in _actors.Values)
            {
                if (Placement(actor.Type) is not { } p || actor.Deactivated) { continue; }
                bool idle;
                lock (actor) { idle = actor.Waiting == 0 && actor.Depth == 0 && now - actor.LastUsed >= p.IdleTimeout; }
                if (idle && actor.Turn.Wait(0))
                {
                    _ = Task.Run(() => DeactivateHeldAsync(actor, TimeSpan.FromSeconds(10), p.IdleTimeout), CancellationToken.None);
                }
            }
        }
    }

    /// <summary>
    /// At shutdown, while the apps still run (daprd halts its actor table before it closes the app channel and its
    /// servers): every active actor — or only those hosted by <paramref name="hostAppId"/>, when one sidecar shuts down —
    /// gets DELETE /actors/{type}/{id} once its current turn ends (bounded by drainOngoingCallTimeout, at most 5 s).
    /// </summary>
    public async Task DeactivateAllAsync(string? hostAppId = null)
    {
        bool Hosted(string actorType) => hostAppId is null || Placement(actorType)?.HostAppId == hostAppId;
        foreach (var (key, timer) in _timers.Where(t => Hosted(t.Key.Type)).ToList())
        {
            timer.Cancel();
            _timers.TryRemove(key, out _);
        }

        await Task.WhenAll(_actors.Values.Where(a => Hosted(a.Type)).Select(async actor =>
        {
            var drain = Placement(actor.Type)?.DrainOngoingCallTimeout ?? AppActorConfig.DefaultDrainTimeout;
            if (drain > TimeSpan.FromSeconds(5)) { drain = TimeSpan.FromSeconds(5); }
            if (await actor.Turn.WaitAsync(drain)) { await DeactivateHeldAsync(actor, TimeSpan.FromSeconds(5)); }
        }));
    }

    /// <summary>The sidecar of the app hosting the type, if it has an app channel.</summary>
    public SidecarRuntime? HostOf(ActorTypeSettings placement)
        => platform.Sidecars.TryGetValue(placement.HostAppId, out var host) && host.App.AppPort is not null ? host : null;

    public bool IsActive(string actorType, string actorId) => _actors.TryGetValue((actorType, actorId), out var a) && !a.Deactivated;

    private async Task<T> InTurnAsync<T>(ActorTypeSettings placement, string actorId, string? reentrancyId, Func<string?, Task<T>> turn, CancellationToken ct)
    {
        while (true)
        {
            var actor = _actors.GetOrAdd((placement.ActorType, actorId), k => new ActorInstance(k.Type, k.Id, Time.GetUtcNow()));
            var reentered = false;
            lock (actor)
            {
                if (placement.Reentrancy && reentrancyId is not null && actor.ReentrancyId == reentrancyId && actor.Depth > 0)
                {
                    // A call in the active call chain re-enters instead of waiting for its own turn to end.
                    if (actor.Depth >= placement.MaxStackDepth) { throw ActorApiException.StackDepth(); }
                    actor.Depth++;
                    reentered = true;
                }
                else
                {
                    actor.Waiting++;
                }
            }

            string? rid;
            if (!reentered)
            {
                try
                {
                    await actor.Turn.WaitAsync(ct);
                }
                catch
                {
                    lock (actor) { actor.Waiting--; }
                    throw;
                }

                bool gone;
                lock (actor)
                {
                    actor.Waiting--;
                    gone = actor.Deactivated;
                    if (!gone)
                    {
                        actor.ReentrancyId = placement.Reentrancy ? reentrancyId ?? Guid.NewGuid().ToString() : null;
                        actor.Depth = 1;
                    }

                    rid = actor.ReentrancyId;
                }

                if (gone)
                {
                    // Deactivated while we waited: the next call activates a fresh instance.
                    actor.Turn.Release();
                    continue;
                }
            }
            else
            {
                rid = reentrancyId;
            }

            try
            {
                return await turn(rid);
            }
            finally
            {
                lock (actor)
                {
                    actor.Depth--;
                    actor.LastUsed = Time.GetUtcNow();
                    if (!reentered) { actor.ReentrancyId = null; }
                }

                if (!reentered) { actor.Turn.Release(); }
            }
        }
    }

    /// <summary>Runs a reminder or timer callback in the actor's turn.</summary>
    private async Task<CallbackOutcome> CallbackAsync(ActorTypeSettings placement, string actorId, string path, string json, CancellationToken ct)
    {
        if (HostOf(placement) is not { } host) { return CallbackOutcome.Failed; }
        return await InTurnAsync(placement, actorId, null, async rid =>
        {
            using var request = CallbackRequest(host, HttpMethod.Put, path, Encoding.UTF8.GetBytes(json), "application/json");
            if (rid is not null) { request.Headers.TryAddWithoutValidation("Dapr-Reentrancy-Id", rid); }
            try
            {
                using var response = await platform.AppClient.SendAsync(request, ct);
                var status = (int)response.StatusCode;
                if (status == 404) { return CallbackOutcome.NotFound; }
                if (status != 200)
                {
                    logger.LogWarning("actor {Type}/{Id}: {Path} answered {Status}", placement.ActorType, actorId, path, status);
                    return CallbackOutcome.Failed;
                }

                return response.Headers.TryGetValues("X-DaprReminderCancel", out var cancel) && cancel.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase))
                    ? CallbackOutcome.Cancelled
                    : CallbackOutcome.Succeeded;
            }
            catch (HttpRequestException ex)
            {
                logger.LogWarning("actor {Type}/{Id}: {Path} failed: {Message}", placement.ActorType, actorId, path, ex.Message);
                return CallbackOutcome.Failed;
            }
        }, ct);
    }

    private async Task FireReminderAsync(ReminderRow row, (string, string, string) key, CancellationToken ct)
    {
        try
        {
            // The loop's read may predate a fire of the same reminder that finished since (it deleted or moved the row):
            // only what is still stored as it was read fires, or a one-shot reminder could fire twice.
            if (await Reminders.GetAsync(row.ActorType, row.ActorId, row.Name, ct) is not { } stored
                || stored.Version != row.Version || stored.NextDue != row.NextDue)
            {
                return;
            }

            var now = Time.GetUtcNow();
            if (row.ExpiresAt is { } expired && expired <= now)
            {
                await Reminders.DeleteAsync(row.ActorType, row.ActorId, row.Name, row.Version, ct);
                return;
            }

            if (Placement(row.ActorType) is not { } placement) { return; }
            var payload = new JsonObject
            {
                ["dueTime"] = row.DueTime,
                ["period"] = row.Period,
            };
            if (row.DataJson is not null) { payload["data"] = JsonNode.Parse(row.DataJson); }
            CallbackOutcome outcome;
            try
            {
                outcome = await CallbackAsync(placement, row.ActorId, $"actors/{Escape(row.ActorType)}/{Escape(row.ActorId)}/method/remind/{Escape(row.Name)}", payload.ToJsonString(), ct);
            }
            catch (ActorApiException ex)
            {
                logger.LogWarning("reminder {Name} of {Type}/{Id}: {Message}", row.Name, row.ActorType, row.ActorId, ex.Message);
                outcome = CallbackOutcome.Failed;
            }

            if (outcome == CallbackOutcome.Cancelled)
            {
                await Reminders.DeleteAsync(row.ActorType, row.ActorId, row.Name, row.Version, ct);
                return;
            }

            if (outcome == CallbackOutcome.Failed && row.Failures < ReminderRetries)
            {
                await Reminders.RescheduleAsync(row, Time.GetUtcNow() + ReminderRetryDelay, row.Remaining, row.Failures + 1, ct);
                return;
            }

            // Fired (or given up on): move to the next period, or finish.
            var every = ActorSchedule.Period(row.Period);
            var remaining = row.Remaining is { } r ? r - 1 : (int?)null;
            if (every is null || remaining <= 0)
            {
                await Reminders.DeleteAsync(row.ActorType, row.ActorId, row.Name, row.Version, ct);
                return;
            }

            now = Time.GetUtcNow();
            var next = every.After(row.NextDue);
            if (next <= now)
            {
                // Missed periods (DevHost was down or the app slow) collapse into the one fire that just happened.
                next = every.After(now);
            }

            if (row.ExpiresAt is { } e && next > e)
            {
                await Reminders.DeleteAsync(row.ActorType, row.ActorId, row.Name, row.Version, ct);
                return;
            }

            await Reminders.RescheduleAsync(row, next, remaining, 0, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down; the reminder stays due and fires after the next start.
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or FormatException or JsonException or InvalidOperationException or ObjectDisposedException)
        {
            logger.LogWarning("reminder {Name} of {Type}/{Id}: {Message}", row.Name, row.ActorType, row.ActorId, ex.Message);
        }
        finally
        {
            _remindersInFlight.TryRemove(key, out _);
        }
    }

    private async Task RunTimerAsync((string Type, string Id, string Name) key, ActorTimer timer)
    {
        var ct = timer.Token;
        var due = timer.FirstDue;
        var remaining = timer.Every?.Repetitions;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var wait = due - Time.GetUtcNow();
                if (wait > TimeSpan.Zero) { await Task.Delay(wait, Time, ct); }
                if (timer.ExpiresAt is { } e && Time.GetUtcNow() > e) { break; }
                var payload = new JsonObject
                {
                    ["callback"] = timer.Callback,
                    ["dueTime"] = timer.DueTime,
                    ["period"] = timer.Period,
                };
                if (timer.DataJson is not null) { payload["data"] = JsonNode.Parse(timer.DataJson); }
                var outcome = await CallbackAsync(timer.Placement, timer.ActorId,
                    $"actors/{Escape(key.Type)}/{Escape(key.Id)}/method/timer/{Escape(key.Name)}", payload.ToJsonString(), ct);
                if (outcome == CallbackOutcome.Cancelled || timer.Every is null) { break; }
                if (remaining is { } r)
                {
                    remaining = r - 1;
                    if (remaining <= 0) { break; }
                }

                due = timer.Every.After(due);
                var now = Time.GetUtcNow();
                if (due < now) { due = now; }
            }
        }
        catch (OperationCanceledException)
        {
            // Deleted, replaced, deactivated or shutting down.
        }
        catch (ActorApiException ex)
        {
            logger.LogWarning("timer {Name} of {Type}/{Id}: {Message}", key.Name, key.Type, key.Id, ex.Message);
        }
        finally
        {
            _timers.TryRemove(new KeyValuePair<(string, string, string), ActorTimer>(key, timer));
        }
    }

    /// <summary>Sends DELETE /actors/{type}/{id} while holding the actor's turn, then forgets the actor and its timers.</summary>
    private async Task DeactivateHeldAsync(ActorInstance actor, TimeSpan timeout, TimeSpan? onlyIfIdleFor = null)
    {
        try
        {
            lock (actor)
            {
                // The idle scan re-checks under the turn: a call may have finished between its check and taking the turn.
                if (onlyIfIdleFor is { } idle && (actor.Waiting > 0 || Time.GetUtcNow() - actor.LastUsed < idle)) { return; }
                actor.Deactivated = true;
            }

            _actors.TryRemove(new KeyValuePair<(string, string), ActorInstance>((actor.Type, actor.Id), actor));
            foreach (var (key, timer) in _timers.Where(t => t.Key.Type == actor.Type && t.Key.Id == actor.Id).ToList())
            {
                timer.Cancel();
                _timers.TryRemove(key, out _);
            }

            if (Placement(actor.Type) is { } p && HostOf(p) is { } host)
            {
                using var request = CallbackRequest(host, HttpMethod.Delete, $"actors/{Escape(actor.Type)}/{Escape(actor.Id)}", null, null);
                using var cts = new CancellationTokenSource(timeout);
                try
                {
                    using var response = await platform.AppClient.SendAsync(request, cts.Token);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        logger.LogWarning("deactivating actor {Type}/{Id}: the app answered {Status} (expected 200)", actor.Type, actor.Id, (int)response.StatusCode);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    logger.LogWarning("deactivating actor {Type}/{Id} failed: {Message}", actor.Type, actor.Id, ex.Message);
                }
            }
        }
        finally
        {
            actor.Turn.Release();
        }
    }

    private static HttpRequestMessage CallbackRequest(SidecarRuntime host, HttpMethod method, string path, byte[]? body, string? contentType)
    {
        var request = host.AppRequest(method, path);
        request.Headers.Accept.Clear();
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (!string.IsNullOrEmpty(contentType)) { request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType); }
        }

        return request;
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string NewTraceparent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";

    /// <summary>One actor's turn lock and activation record.</summary>
    private sealed class ActorInstance(string type, string id, DateTimeOffset now)
    {
        public string Type { get; } = type;

        public string Id { get; } = id;

        public SemaphoreSlim Turn { get; } = new(1, 1);

        public DateTimeOffset LastUsed { get; set; } = now;

        public string? ReentrancyId { get; set; }

        /// <summary>Calls currently inside the turn (the holder plus re-entered calls).</summary>
        public int Depth { get; set; }

        public int Waiting { get; set; }

        public bool Deactivated { get; set; }
    }

    private sealed class ActorTimer(
        ActorTypeSettings placement, string actorId, string name, string callback, string? dataJson, string dueTime, string period,
        DateTimeOffset firstDue, ActorPeriod? every, DateTimeOffset? expiresAt)
    {
        private readonly CancellationTokenSource _cts = new();

        public ActorTypeSettings Placement { get; } = placement;

        public string ActorId { get; } = actorId;

        public string Name { get; } = name;

        public string Callback { get; } = callback;

        public string? DataJson { get; } = dataJson;

        public string DueTime { get; } = dueTime;

        public string Period { get; } = period;

        public DateTimeOffset FirstDue { get; } = firstDue;

        public ActorPeriod? Every { get; } = every;

        public DateTimeOffset? ExpiresAt { get; } = expiresAt;

        public CancellationToken Token => _cts.Token;

        public void Cancel()
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }
    }
}
