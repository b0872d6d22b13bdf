using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.Sidecar.Actors;

/// <summary>
/// The sidecar's actor API (/v1.0/actors/…): state reads and transactions, reminders, timers and method invocation.
/// Requests carry dapr-api-token and traceparent like every other SidecarClient call.
/// </summary>
internal sealed class ActorSidecarChannel : IActorStateStore, IActorCallbackScheduler
{
    public const string ReentrancyIdHeader = "Dapr-Reentrancy-Id";

    private readonly SidecarClient _sidecar;

    public ActorSidecarChannel(SidecarClient sidecar)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        _sidecar = sidecar;
    }

    /// <summary>GET /v1.0/actors/{type}/{id}/state/{key}: 200 with the raw value, 204 when the key is missing.</summary>
    public async Task<byte[]?> GetAsync(string actorType, ActorId id, string key, CancellationToken ct)
    {
        using var request = CreateRequest(HttpMethod.Get, $"{ActorPath(actorType, id)}/state/{Uri.EscapeDataString(key)}");
        using var response = await SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "get actor state", ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        return bytes.Length == 0 ? null : bytes;
    }

    /// <summary>POST /v1.0/actors/{type}/{id}/state with [{operation, request:{key, value}}]; 204 on success.</summary>
    public async Task SaveAsync(string actorType, ActorId id, IReadOnlyList<ActorStateOperation> operations, CancellationToken ct)
    {
        var body = operations.Select(o => new StateOperationWire(o.Operation, new StateRequestWire(o.Key, o.Value))).ToList();
        using var request = CreateRequest(HttpMethod.Post, $"{ActorPath(actorType, id)}/state");
        request.Content = Json(body);
        using var response = await SendAsync(request, ct);
        await EnsureSuccessAsync(response, "actor state transaction", ct);
    }

    /// <summary>PUT /v1.0/actors/{type}/{id}/reminders/{name} with {dueTime, period, ttl, data}; 204 on success.</summary>
    public async Task RegisterReminderAsync(string actorType, ActorId id, ActorReminder reminder, CancellationToken ct)
    {
        var body = new ReminderWire(
            ActorDuration.ToGoDuration(reminder.DueTime),
            Period(reminder.Period),
            reminder.Ttl is { } ttl ? ActorDuration.ToGoDuration(ttl) : null,
            reminder.State);
        using var request = CreateRequest(HttpMethod.Put, $"{ActorPath(actorType, id)}/reminders/{Uri.EscapeDataString(reminder.Name)}");
        request.Content = Json(body);
        using var response = await SendAsync(request, ct);
        await EnsureSuccessAsync(response, "create actor reminder", ct);
    }

    public async Task UnregisterReminderAsync(string actorType, ActorId id, string name, CancellationToken ct)
    {
        using var request = CreateRequest(HttpMethod.Delete, $"{ActorPath(actorType, id)}/reminders/{Uri.EscapeDataString(name)}");
        using var response = await SendAsync(request, ct);
        await EnsureSuccessAsync(response, "delete actor reminder", ct);
    }

    /// <summary>PUT /v1.0/actors/{type}/{id}/timers/{name} with {dueTime, period, ttl, data, callback}; 204 on success.</summary>
    public async Task RegisterTimerAsync(string actorType, ActorId id, ActorTimer timer, CancellationToken ct)
    {
        var body = new TimerWire(
            ActorDuration.ToGoDuration(timer.DueTime),
            Period(timer.Period),
            timer.Ttl is { } ttl ? ActorDuration.ToGoDuration(ttl) : null,
            timer.State,
            timer.Callback);
        using var request = CreateRequest(HttpMethod.Put, $"{ActorPath(actorType, id)}/timers/{Uri.EscapeDataString(timer.Name)}");
        request.Content = Json(body);
        using var response = await SendAsync(request, ct);
        await EnsureSuccessAsync(response, "create actor timer", ct);
    }

    public async Task UnregisterTimerAsync(string actorType, ActorId id, string name, CancellationToken ct)
    {
        using var request = CreateRequest(HttpMethod.Delete, $"{ActorPath(actorType, id)}/timers/{Uri.EscapeDataString(name)}");
        using var response = await SendAsync(request, ct);
        await EnsureSuccessAsync(response, "delete actor timer", ct);
    }

    /// <summary>
    /// PUT /v1.0/actors/{type}/{id}/method/{method}. A non-2xx answer, or a 200 marked with X-DaprErrorResponseHeader
    /// (the .NET SDK's convention for actor errors), becomes an <see cref="ActorMethodInvocationException"/>.
    /// </summary>
    public async Task<byte[]> InvokeMethodAsync(string actorType, ActorId id, string method, byte[]? jsonBody, string? reentrancyId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        using var request = CreateRequest(HttpMethod.Put, $"{ActorPath(actorType, id)}/method/{Uri.EscapeDataString(method)}");
        if (jsonBody is not null)
        {
            request.Content = JsonBytes(jsonBody);
        }

        if (reentrancyId is not null)
        {
            request.Headers.TryAddWithoutValidation(ReentrancyIdHeader, reentrancyId);
        }

        using var response = await SendAsync(request, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode || response.Headers.Contains(ActorEndpointRouteBuilderExtensions.ErrorResponseHeader))
        {
            var text = body.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(body);
            var (errorCode, _) = SidecarClient.ParseDaprError(text);
            throw new ActorMethodInvocationException(actorType, id, method, (int)response.StatusCode, errorCode, text);
        }

        return body;
    }

    private static string ActorPath(string actorType, ActorId id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorType);
        ArgumentException.ThrowIfNullOrWhiteSpace(id.Value, nameof(id));
        return $"v1.0/actors/{Uri.EscapeDataString(actorType)}/{Uri.EscapeDataString(id.Value)}";
    }

    /// <summary>An empty period means "fire once" to daprd, so a non-positive period is left out.</summary>
    private static string? Period(TimeSpan period) => period > TimeSpan.Zero ? ActorDuration.ToGoDuration(period) : null;

    private HttpRequestMessage CreateRequest(HttpMethod method, string path)
    {
        var baseUrl = _sidecar.Options.HttpEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var request = new HttpRequestMessage(method, new Uri($"{baseUrl}/{path}", UriKind.Absolute));
        if (!string.IsNullOrEmpty(_sidecar.Options.ApiToken))
        {
            request.Headers.TryAddWithoutValidation(SidecarClient.ApiTokenHeader, _sidecar.Options.ApiToken);
        }

        if (Activity.Current is { } current)
        {
            SidecarTelemetry.Apply(request.Headers, current);
        }

        return request;
    }

    // SidecarClient's generic "send and return whatever came back" path: it adds a client trace context when none is set.
    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        _sidecar.InvokeMethodWithResponseAsync(request, HttpCompletionOption.ResponseContentRead, ct);

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(ct);
        var text = body.Length == 0 ? null : body;
        var (errorCode, message) = SidecarClient.ParseDaprError(text);
        var status = (int)response.StatusCode;
        throw new SidecarException(
            message is null ? $"Sidecar {operation} failed with status {status}." : $"Sidecar {operation} failed with status {status}: {errorCode} {message}",
            status,
            errorCode,
            text);
    }

    private static ByteArrayContent Json<T>(T value) => JsonBytes(JsonSerializer.SerializeToUtf8Bytes(value, SidecarJson.Options));

    private static ByteArrayContent JsonBytes(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed record StateOperationWire(
        [property: JsonPropertyName("operation")] string Operation,
        [property: JsonPropertyName("request")] StateRequestWire Request);

    private sealed record StateRequestWire(
        [property: JsonPropertyName("key")] string Key,
        [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Value);

    private sealed record ReminderWire(
        [property: JsonPropertyName("dueTime")] string DueTime,
        [property: JsonPropertyName("period"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Period,
        [property: JsonPropertyName("ttl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ttl,
        [property: JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] byte[]? Data);

    private sealed record TimerWire(
        [property: JsonPropertyName("dueTime")] string DueTime,
        [property: JsonPropertyName("period"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Period,
        [property: JsonPropertyName("ttl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ttl,
        [property: JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] byte[]? Data,
        [property: JsonPropertyName("callback")] string Callback);
}

/// <summary>An actor method call through the sidecar failed: the actor threw, the method or type is unknown, or daprd refused.</summary>
public sealed class ActorMethodInvocationException : SidecarException
{
    public ActorMethodInvocationException(string actorType, ActorId actorId, string method, int statusCode, string? errorCode, string? responseBody)
        : base(Describe(actorType, actorId, method, statusCode, responseBody), statusCode, errorCode, responseBody)
    {
        ActorType = actorType;
        ActorId = actorId;
        Method = method;
    }

    public string ActorType { get; }

    public ActorId ActorId { get; }

    public string Method { get; }

    // The body carries the actor's own failure text, which is what a caller needs to diagnose it.
    private static string Describe(string actorType, ActorId actorId, string method, int statusCode, string? body) =>
        body is null
            ? $"Actor method {actorType}/{actorId}.{method} failed with status {statusCode}."
            : $"Actor method {actorType}/{actorId}.{method} failed with status {statusCode}: {(body.Length > 1000 ? body[..1000] + "…" : body)}";
}
