using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Actors;

public static class ActorEndpointRouteBuilderExtensions
{
    /// <summary>Response header the .NET SDK uses to mark an actor error on a 200; our proxy treats it as a failure.</summary>
    public const string ErrorResponseHeader = "X-DaprErrorResponseHeader";

    /// <summary>On a reminder or timer callback: tells daprd to delete that reminder or timer (Dapr 1.15+).</summary>
    public const string ReminderCancelHeader = "X-DaprReminderCancel";

    private const string LoggerCategory = "DaprPlatform.Sidecar.Actors";

    /// <summary>
    /// The callbacks daprd makes on an actor host: GET /dapr/config, PUT /actors/{type}/{id}/method/{method},
    /// …/method/remind/{name}, …/method/timer/{name} and DELETE /actors/{type}/{id}. They are sidecar calls,
    /// guarded by UseAppApiToken rather than user auth, so they allow anonymous access.
    /// </summary>
    public static IEndpointRouteBuilder MapActorsHandlers(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var runtime = app.ServiceProvider.GetService<ActorRuntime>()
            ?? throw new InvalidOperationException("Call services.AddActors(...) before app.MapActorsHandlers().");
        var config = ConfigWire.From(runtime);
        var appToken = app.ServiceProvider.GetService<SidecarOptions>()?.AppApiToken;

        app.MapGet("/dapr/config", () => Results.Json(config, SidecarJson.Options)).AllowAnonymous().ExcludeFromDescription();

        // Checked here too: an app using UseAppApiToken(requireForAllRoutes: false) would otherwise leave /actors/* open.
        var actors = app.MapGroup("/actors").AddEndpointFilter(async (context, next) =>
            appToken is null || TokenMatches(context.HttpContext, appToken)
                ? await next(context)
                : Results.Problem(title: "Unauthorized", detail: "Actor callbacks only accept calls from the sidecar carrying a valid dapr-api-token.", statusCode: StatusCodes.Status401Unauthorized));

        actors.MapPut("/{actorType}/{actorId}/method/remind/{reminderName}", (string actorType, string actorId, string reminderName, HttpContext context, ILoggerFactory loggers) =>
            RunAsync(context, loggers, async ct =>
            {
                var callback = await ReadCallbackAsync(context, ct);
                var cancel = await runtime.FireReminderAsync(actorType, new ActorId(actorId), reminderName, callback.Data, callback.DueTime(runtime), callback.Period(), ReentrancyId(context), ct);
                await Ok(context, body: null, cancel);
            })).AllowAnonymous().ExcludeFromDescription();

        actors.MapPut("/{actorType}/{actorId}/method/timer/{timerName}", (string actorType, string actorId, string timerName, HttpContext context, ILoggerFactory loggers) =>
            RunAsync(context, loggers, async ct =>
            {
                var callback = await ReadCallbackAsync(context, ct);
                if (string.IsNullOrEmpty(callback.Callback))
                {
                    throw new ActorBadRequestException($"Timer '{timerName}' callback body has no \"callback\" method name.");
                }

                var cancel = await runtime.FireTimerAsync(actorType, new ActorId(actorId), callback.Callback, callback.Data, ReentrancyId(context), ct);
                await Ok(context, body: null, cancel);
            })).AllowAnonymous().ExcludeFromDescription();

        actors.MapPut("/{actorType}/{actorId}/method/{methodName}", (string actorType, string actorId, string methodName, HttpContext context, ILoggerFactory loggers) =>
            RunAsync(context, loggers, async ct =>
            {
                var body = await ReadBodyAsync(context, ct);
                var result = await runtime.InvokeMethodAsync(actorType, new ActorId(actorId), methodName, body, ReentrancyId(context), ct);
                await Ok(context, result, cancelCallback: false);
            })).AllowAnonymous().ExcludeFromDescription();

        actors.MapDelete("/{actorType}/{actorId}", (string actorType, string actorId, HttpContext context, ILoggerFactory loggers) =>
            RunAsync(context, loggers, async ct =>
            {
                // Deactivating an actor that is not active is already done: still 200, daprd checks for exactly that.
                await runtime.DeactivateAsync(actorType, new ActorId(actorId), ct);
                await Ok(context, body: null, cancelCallback: false);
            })).AllowAnonymous().ExcludeFromDescription();

        return app;
    }

    /// <summary>
    /// Maps outcomes onto what daprd expects: exactly 200 on success (it checks == 200, so never 204), 404 for an
    /// unknown type or method (permanent, not retried), 400 for a body that does not fit the method.
    /// A failing actor answers 500 rather than the SDK's "200 + X-DaprErrorResponseHeader": daprd treats every
    /// non-200 as a failed call (a reminder is then retried, a caller gets ERR_ACTOR_INVOKE_METHOD), whereas a 200 on
    /// a reminder would count as delivered, and only an SDK proxy understands the header.
    /// </summary>
    private static async Task RunAsync(HttpContext context, ILoggerFactory loggers, Func<CancellationToken, Task> handle)
    {
        var ct = context.RequestAborted;
        try
        {
            await handle(ct);
        }
        catch (ActorNotFoundException ex)
        {
            await ProblemAsync(context, StatusCodes.Status404NotFound, "Actor method not found", ex.Message, ct);
        }
        catch (ActorBadRequestException ex)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "Invalid actor call", ex.Message, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // daprd went away; nobody is left to answer.
        }
        catch (Exception ex)
        {
            loggers.CreateLogger(LoggerCategory).LogError(ex, "Actor call {Method} {Path} failed", context.Request.Method, context.Request.Path);
            await ProblemAsync(context, StatusCodes.Status500InternalServerError, "Actor call failed", $"{ex.GetType().Name}: {ex.Message}", ct);
        }
    }

    private static Task Ok(HttpContext context, byte[]? body, bool cancelCallback)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (cancelCallback)
        {
            context.Response.Headers[ReminderCancelHeader] = "true";
        }

        if (body is null)
        {
            // An explicit zero length keeps the answer a plain 200 with no body.
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static async Task ProblemAsync(HttpContext context, int status, string title, string detail, CancellationToken ct)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(
            new ProblemWire(title, status, detail, context.Request.Path),
            SidecarJson.Options,
            "application/problem+json",
            ct);
    }

    private static bool TokenMatches(HttpContext context, string expected)
    {
        var presented = context.Request.Headers[SidecarClient.ApiTokenHeader].ToString();
        return presented.Length > 0
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(expected));
    }

    private static string? ReentrancyId(HttpContext context) =>
        context.Request.Headers[ActorSidecarChannel.ReentrancyIdHeader].FirstOrDefault() is { Length: > 0 } id ? id : null;

    private static async Task<byte[]> ReadBodyAsync(HttpContext context, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static async Task<CallbackWire> ReadCallbackAsync(HttpContext context, CancellationToken ct)
    {
        var body = await ReadBodyAsync(context, ct);
        if (body.Length == 0)
        {
            return new CallbackWire(null, null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ActorBadRequestException("A reminder or timer callback body must be a JSON object.");
            }

            return new CallbackWire(
                root.TryGetProperty("data", out var data) ? CallbackData(data) : null,
                SidecarClient.StringProperty(root, "dueTime"),
                SidecarClient.StringProperty(root, "period"),
                SidecarClient.StringProperty(root, "callback"));
        }
        catch (JsonException ex)
        {
            throw new ActorBadRequestException("The reminder or timer callback body is not JSON.", ex);
        }
    }

    /// <summary>
    /// "data" is whatever was registered: our registrations send bytes as a base64 string, which comes back as is;
    /// a JSON string that is not base64 or any other JSON value is handed over as its UTF-8 JSON text.
    /// </summary>
    private static byte[]? CallbackData(JsonElement data)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.String when data.TryGetBytesFromBase64(out var bytes):
                return bytes;
            default:
                return System.Text.Encoding.UTF8.GetBytes(data.GetRawText());
        }
    }

    private sealed record CallbackWire(byte[]? Data, string? DueTimeText, string? PeriodText, string? Callback)
    {
        /// <summary>dueTime may also be an RFC 3339 instant; it is then the time left until that instant.</summary>
        public TimeSpan DueTime(ActorRuntime runtime)
        {
            if (ActorDuration.TryParse(DueTimeText, out var due))
            {
                return due;
            }

            if (DateTimeOffset.TryParse(DueTimeText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at))
            {
                var left = at - runtime.RuntimeServices.TimeProvider.GetUtcNow();
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }

            return TimeSpan.Zero;
        }

        /// <summary>No period (fires once) is reported as zero.</summary>
        public TimeSpan Period() => ActorDuration.TryParse(PeriodText, out var period) ? period : TimeSpan.Zero;
    }

    private sealed record ProblemWire(
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("status")] int Status,
        [property: JsonPropertyName("detail")] string Detail,
        [property: JsonPropertyName("instance")] string? Instance);

    private sealed record ReentrancyWire(
        [property: JsonPropertyName("enabled")] bool Enabled,
        [property: JsonPropertyName("maxStackDepth"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxStackDepth);

    /// <summary>GET /dapr/config: durations as Go durations, as daprd parses them.</summary>
    private sealed record ConfigWire(
        [property: JsonPropertyName("entities")] IReadOnlyList<string> Entities,
        [property: JsonPropertyName("actorIdleTimeout")] string ActorIdleTimeout,
        [property: JsonPropertyName("actorScanInterval")] string ActorScanInterval,
        [property: JsonPropertyName("drainOngoingCallTimeout")] string DrainOngoingCallTimeout,
        [property: JsonPropertyName("drainRebalancedActors")] bool DrainRebalancedActors,
        [property: JsonPropertyName("reentrancy")] ReentrancyWire Reentrancy)
    {
        public static ConfigWire From(ActorRuntime runtime)
        {
            var options = runtime.Options;
            return new ConfigWire(
                runtime.ActorTypes.ToList(),
                ActorDuration.ToGoDuration(options.ActorIdleTimeout),
                ActorDuration.ToGoDuration(options.ActorScanInterval),
                ActorDuration.ToGoDuration(options.DrainOngoingCallTimeout),
                options.DrainRebalancedActors,
                new ReentrancyWire(options.Reentrancy.Enabled, options.Reentrancy.Enabled ? options.Reentrancy.MaxStackDepth : null));
        }
    }
}
