using System.Globalization;
using System.Text.Json;
using DaprPlatform.DevHost.Sidecar;
using DaprPlatform.DevHost.State;

namespace DaprPlatform.DevHost.Actors;

/// <summary>The sidecar's actors API (docs: reference/api/actors_api; daprd pkg/api/http/actors.go), served on every app's sidecar port.</summary>
internal static class ActorEndpoints
{
    private const string Base = "/v1.0/actors/{actorType}/{actorId}";

    public static void Map(WebApplication app, SidecarRuntime sidecar, ActorRuntime actors)
    {
        app.MapMethods(Base + "/method/{method}", ["GET", "POST", "PUT", "DELETE"], (HttpContext ctx, string actorType, string actorId, string method)
            => InvokeAsync(ctx, sidecar, actors, actorType, actorId, method));
        app.MapMethods(Base + "/state", ["POST", "PUT"], (HttpContext ctx, string actorType, string actorId)
            => StateTransactionAsync(ctx, sidecar, actors, actorType, actorId));
        app.MapGet(Base + "/state/{key}", (HttpContext ctx, string actorType, string actorId, string key)
            => GetStateAsync(ctx, sidecar, actors, actorType, actorId, key));
        app.MapMethods(Base + "/reminders/{name}", ["POST", "PUT"], (HttpContext ctx, string actorType, string actorId, string name)
            => CreateReminderAsync(ctx, sidecar, actors, actorType, actorId, name));
        app.MapGet(Base + "/reminders/{name}", (HttpContext ctx, string actorType, string actorId, string name)
            => GetReminderAsync(ctx, sidecar, actors, actorType, actorId, name));
        app.MapDelete(Base + "/reminders/{name}", (HttpContext ctx, string actorType, string actorId, string name)
            => DeleteReminderAsync(ctx, sidecar, actors, actorType, actorId, name));
        app.MapMethods(Base + "/timers/{name}", ["POST", "PUT"], (HttpContext ctx, string actorType, string actorId, string name)
            => CreateTimerAsync(ctx, sidecar, actors, actorType, actorId, name));
        app.MapDelete(Base + "/timers/{name}", (string actorType, string actorId, string name) =>
        {
            actors.DeleteTimer(actorType, actorId, name);
            return Results.NoContent();
        });
    }

    private static IResult Error(ActorApiException ex) => DaprError.Result(ex.Status, ex.Code, ex.Message);

    private static async Task InvokeAsync(HttpContext ctx, SidecarRuntime sidecar, ActorRuntime actors, string actorType, string actorId, string method)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        var headers = ctx.Request.Headers.Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.Where(v => v is not null).Select(v => v!).ToArray())).ToList();
        var reentrancyId = ctx.Request.Headers["Dapr-Reentrancy-Id"].ToString();
        ActorResponse response;
        try
        {
            response = await actors.InvokeAsync(sidecar, actorType, actorId, method, ms.ToArray(), ctx.Request.ContentType, headers,
                ctx.Request.QueryString.Value ?? "", reentrancyId.Length > 0 ? reentrancyId : null, ctx.RequestAborted);
        }
        catch (ActorApiException ex)
        {
            await DaprError.WriteAsync(ctx, ex.Status, ex.Code, ex.Message);
            return;
        }

        // The app's status, headers and body go back to the caller as they are.
        ctx.Response.StatusCode = response.Status;
        foreach (var (name, values) in response.Headers) { ctx.Response.Headers[name] = values; }
        await ctx.Response.Body.WriteAsync(response.Body, ctx.RequestAborted);
    }

    /// <summary>The state store marked actorStateStore: "true" in this sidecar's components, if any.</summary>
    private static PostgresStateStore? ActorStateStore(SidecarRuntime sidecar)
    {
        var component = sidecar.Resources.Components.FirstOrDefault(c => c.Kind == "state"
            && string.Equals(c.PlainValue("actorStateStore"), "true", StringComparison.OrdinalIgnoreCase));
        return component is not null && sidecar.StateStores.TryGetValue(component.Name, out var store) ? store : null;
    }

    /// <summary>Actor state and reminders can only be used from the sidecar of the app hosting the type.</summary>
    private static ActorTypeSettings? HostedHere(SidecarRuntime sidecar, ActorRuntime actors, string actorType)
        => actors.Placement(actorType) is { } p && p.HostAppId == sidecar.AppId ? p : null;

    private static string StateKey(SidecarRuntime sidecar, string actorType, string actorId, string key)
        => $"{sidecar.AppId}||{actorType}||{actorId}||{key}";

    private static async Task<IResult> StateTransactionAsync(HttpContext ctx, SidecarRuntime sidecar, ActorRuntime actors, string actorType, string actorId)
    {
        if (HostedHere(sidecar, actors, actorType) is null) { return Error(ActorApiException.InstanceMissing()); }
        JsonElement body;
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            body = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return DaprError.MalformedBody(ex);
        }

        if (body.ValueKind != JsonValueKind.Array)
        {
            return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: expected a JSON array of operations");
        }

        var ttlEnabled = sidecar.Resources.Configuration.EnabledFeatures.Contains("ActorStateTTL");
        var operations = new List<object>();
        foreach (var op in body.EnumerateArray())
        {
            var kind = op.ValueKind == JsonValueKind.Object && op.TryGetProperty("operation", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            var request = op.ValueKind == JsonValueKind.Object && op.TryGetProperty("request", out var r) ? r : default;
            var key = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (kind is not ("upsert" or "delete"))
            {
                return DaprError.Result(400, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {kind} not supported");
            }

            if (string.IsNullOrEmpty(key))
            {
                return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: an operation has no request.key");
            }

            if (kind == "delete")
            {
                operations.Add(new StateDelete(StateKey(sidecar, actorType, actorId, key), null, false));
                continue;
            }

            TimeSpan? ttl = null;
            if (request.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object && md.TryGetProperty("ttlInSeconds", out var t))
            {
                if (!ttlEnabled)
                {
                    return DaprError.Result(500, "ERR_ACTOR_STATE_TRANSACTION_SAVE",
                        "error saving actor transaction state: ttlInSeconds is not supported without the \"ActorStateTTL\" feature enabled");
                }

                var raw = t.ValueKind == JsonValueKind.String ? t.GetString() : t.GetRawText();
                if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) || seconds < -1)
                {
                    return DaprError.Result(500, "ERR_ACTOR_STATE_TRANSACTION_SAVE", $"error saving actor transaction state: invalid value for ttlInSeconds: '{raw}'");
                }

                ttl = seconds == -1 ? null : TimeSpan.FromSeconds(seconds);
            }

            var value = request.TryGetProperty("value", out var v) ? v.GetRawText() : "null";
            operations.Add(new StateWrite(StateKey(sidecar, actorType, actorId, key), value, null, null, false, ttl));
        }

        if (ActorStateStore(sidecar) is not { } store)
        {
            return DaprError.Result(500, "ERR_ACTOR_STATE_TRANSACTION_SAVE", "error saving actor transaction state: actors: state store does not exist or incorrectly configured");
        }

        try
        {
            await store.TransactAsync(operations, ctx.RequestAborted);
        }
        catch (Exception ex) when (ex is StateETagException or InvalidOperationException or Npgsql.NpgsqlException)
        {
            return DaprError.Result(500, "ERR_ACTOR_STATE_TRANSACTION_SAVE", "error saving actor transaction state: " + ex.Message);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> GetStateAsync(HttpContext ctx, SidecarRuntime sidecar, ActorRuntime actors, string actorType, string actorId, string key)
    {
        if (HostedHere(sidecar, actors, actorType) is null) { return Error(ActorApiException.InstanceMissing()); }
        if (ActorStateStore(sidecar) is not { } store)
        {
            return DaprError.Result(500, "ERR_ACTOR_STATE_GET", "error getting actor state: actors: state store does not exist or incorrectly configured");
        }

        StoredState? state;
        try
        {
            state = await store.GetAsync(StateKey(sidecar, actorType, actorId, key), ctx.RequestAborted);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            return DaprError.Result(500, "ERR_ACTOR_STATE_GET", "error getting actor state: " + ex.Message);
        }

        // A missing key is 204 with no body, as in the state API.
        return state is null ? Results.NoContent() : Results.Bytes(state.Bytes, "application/json");
    }

    private static async Task<IResult> CreateReminderAsync(HttpContext ctx, SidecarRuntime sidecar, ActorRuntime actors, string actorType, string actorId, string name)
    {
        if (HostedHere(sidecar, actors, actorType) is null) { return Error(ActorApiException.ReminderNonHosted()); }
        if (await ScheduleBodyAsync(ctx) is not { } body) { return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: expected a JSON object"); }
        ReminderRow row;
        try
        {
            row = ActorRuntime.NewReminder(actorType, actorId, name, body.Data, body.DueTime, body.Period, body.Ttl, actors.Now);
        }
        catch (FormatException ex)
        {
            return DaprError.Result(500, "ERR_ACTOR_REMINDER_CREATE", "error creating actor reminder: " + ex.Message);
        }

        // overwrite defaults to true; overwrite: false keeps an existing reminder and answers 409.
        if (!await actors.Reminders.SaveAsync(row, body.Overwrite ?? true, ctx.RequestAborted))
        {
            return DaprError.Result(409, "ERR_ACTOR_REMINDER_ALREADY_EXISTS", $"reminder {name} already exists for actor {actorType}/{actorId}");
        }

        actors.WakeReminders();
        return Results.NoContent();
    }

    private static async Task<IResult> GetReminderAsync(HttpContext ctx, SidecarRuntime sidecar, ActorRuntime actors, string actorType, string actorId, string name)
    {
        if (HostedHere(sidecar, actors, actorType) is null) { return Error(ActorApiException.ReminderNonHosted()); }
        var row = await actors.Reminders.GetAsync(actorType, actorId, name, ctx.RequestAborted);
        if (row is null)
        {
            return DaprError.Result(404, "ERR_ACTOR_REMINDER_NOT_FOUND", $"reminder {name} not found for actor {actorType}/{actorId}");
        }

        var data = row.DataJson is null ? (JsonElement?)null : JsonDocument.Parse(row.DataJson).RootElement.Clone();
        return Results.Json(new { actorID = row.ActorId, actorType = row.ActorType, data, dueTime = row.DueTime, period = row.Period, ttl = row.Ttl });
    }

    private static async Task<IResult> DeleteReminderAsync(HttpContext ctx, SidecarRuntime sidecar, ActorRuntime actors, string actorType, string actorId, string name)
    {
        if (HostedHere(sidecar, actors, actorType) is null) { return Error(ActorApiException.ReminderNonHosted()); }
        await actors.Reminders.DeleteAsync(actorType, actorId, name, null, ctx.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateTimerAsync(HttpContext ctx, SidecarRuntime sidecar, ActorRuntime actors, string actorType, string actorId, string name)
    {
        if (HostedHere(sidecar, actors, actorType) is not { } placement)
        {
            return DaprError.Result(500, "ERR_ACTOR_TIMER_CREATE", $"error creating actor timer: actor type {actorType} is not hosted by app {sidecar.AppId}");
        }

        if (await ScheduleBodyAsync(ctx) is not { } body) { return DaprError.Result(400, "ERR_MALFORMED_REQUEST", "failed deserializing HTTP body: expected a JSON object"); }
        try
        {
            actors.CreateTimer(placement, actorId, name, body.Callback ?? "", body.Data, body.DueTime, body.Period, body.Ttl);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            return DaprError.Result(500, "ERR_ACTOR_TIMER_CREATE", "error creating actor timer: " + ex.Message);
        }

        return Results.NoContent();
    }

    private sealed record ScheduleBody(string DueTime, string Period, string Ttl, string? Data, string? Callback, bool? Overwrite);

    /// <summary>The reminder/timer body {dueTime, period, ttl, data, callback?, overwrite?}; null when it is not a JSON object.</summary>
    private static async Task<ScheduleBody?> ScheduleBodyAsync(HttpContext ctx)
    {
        JsonElement root;
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object) { return null; }
        string Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        var data = root.TryGetProperty("data", out var d) && d.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? d.GetRawText() : null;
        bool? overwrite = root.TryGetProperty("overwrite", out var o) && o.ValueKind is JsonValueKind.True or JsonValueKind.False ? o.GetBoolean() : null;
        return new ScheduleBody(Text("dueTime"), Text("period"), Text("ttl"), data, root.TryGetProperty("callback", out _) ? Text("callback") : null, overwrite);
    }
}
