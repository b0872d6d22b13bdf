using DaprPlatform.ServiceDefaults;
using System.Text.Json;
using Dapr;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace DaprPlatform.Gateway.Infrastructure;

/// <summary>
/// Turns a public request into a service invocation through the gateway's sidecar: <c>/api/auth/me?x=1</c> of a route whose
/// metadata names <c>DaprAppId: identity</c> goes out as <c>/v1.0/invoke/identity/method/api/auth/me?x=1</c> (ADR 0016),
/// with the gateway's own <c>dapr-api-token</c>. Headers that steer the sidecar are never taken from the client. When the
/// sidecar itself answers with a Dapr error (it could not reach the app) the client gets a 502 problem naming the app.
/// </summary>
public sealed partial class DaprInvocationTransforms(IConfiguration configuration, ILogger<DaprInvocationTransforms> logger) : ITransformProvider
{
    public const string AppIdMetadata = "DaprAppId";

    // Dapr's own error bodies are a few hundred bytes; a JSON error of unknown length is read up to this much to find out.
    private const int MaxInspectedErrorBytes = 1024 * 1024;

    // Steer daprd (dapr-app-id would even pick another target app) or vouch for the caller; only the gateway may set them.
    private static readonly string[] SidecarHeaders =
    [
        "dapr-api-token", "dapr-app-id", "dapr-caller-app-id", "dapr-callee-app-id", "dapr-caller-namespace", "Forwarded",
    ];

    public static string? AppIdOf(RouteConfig route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route.Metadata?.TryGetValue(AppIdMetadata, out var appId) == true && !string.IsNullOrWhiteSpace(appId) ? appId.Trim() : null;
    }

    public void ValidateRoute(TransformRouteValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (AppIdOf(context.Route) is null)
        {
            context.Errors.Add(new ArgumentException($"Route '{context.Route.RouteId}' needs Metadata.{AppIdMetadata}: the app id that owns it."));
        }
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var appId = AppIdOf(context.Route!)!;
        // The app sees the public path unchanged: everything after /method/ is its path, the query string travels as is.
        context.AddPathPrefix($"/v1.0/invoke/{Uri.EscapeDataString(appId)}/method");
        foreach (var header in SidecarHeaders)
        {
            context.AddRequestHeaderRemove(header);
        }

        // Read when the route is built, as the SDK reads it: configuration first, then DAPR_API_TOKEN.
        if (DaprDefaults.GetDefaultDaprApiToken(configuration) is { Length: > 0 } token)
        {
            context.AddRequestHeader("dapr-api-token", token, append: false);
        }

        context.AddRequestTransform(DropConnectionNamedHeaders);
        context.AddResponseTransform(DropConnectionNamedResponseHeaders);
        context.AddResponseTransform(response => AnswerSidecarErrorAsync(response, appId));
    }

    /// <summary>
    /// RFC 9110 §7.6.1: a header the Connection header names ("Connection: close, X-Debug") is for this hop only, in either
    /// direction. YARP drops the fixed hop-by-hop set itself, not the ones named this way.
    /// </summary>
    private static ValueTask DropConnectionNamedHeaders(RequestTransformContext context)
    {
        foreach (var name in NamedIn(context.HttpContext.Request.Headers.Connection))
        {
            TryRemove(context.ProxyRequest.Headers, name);
            if (context.ProxyRequest.Content is { } content)
            {
                TryRemove(content.Headers, name);
            }
        }

        return ValueTask.CompletedTask;
    }

    private static ValueTask DropConnectionNamedResponseHeaders(ResponseTransformContext context)
    {
        if (context.ProxyResponse is { } response)
        {
            foreach (var name in NamedIn(response.Headers.Connection))
            {
                context.HttpContext.Response.Headers.Remove(name);
            }
        }

        return ValueTask.CompletedTask;
    }

    private static IEnumerable<string> NamedIn(IEnumerable<string?> connection) =>
        connection.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void TryRemove(System.Net.Http.Headers.HttpHeaders headers, string name)
    {
        try
        {
            headers.Remove(name);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // A name that cannot be in this collection (a content header among request headers, a malformed name) is not in it.
        }
    }

    private async ValueTask AnswerSidecarErrorAsync(ResponseTransformContext context, string appId)
    {
        if (context.ProxyResponse is not { } response || !MayBeDaprError(response))
        {
            return;
        }

        string? errorCode;
        try
        {
            // Buffered, so when it is the app's own answer the proxy still streams it on unchanged.
            await response.Content.LoadIntoBufferAsync(MaxInspectedErrorBytes, context.CancellationToken);
            errorCode = ReadDaprErrorCode(await response.Content.ReadAsByteArrayAsync(context.CancellationToken));
        }
        catch (HttpRequestException ex)
        {
            // An error body bigger than any Dapr error, or one cut off: what was read is gone, so the client cannot get it either.
            LogErrorBodyUnreadable(logger, appId, ex);
            errorCode = "unreadable error body";
        }

        if (errorCode is null)
        {
            return;
        }

        LogDaprError(logger, appId, (int)response.StatusCode, errorCode);
        context.SuppressResponseBody = true;
        context.HttpContext.Response.Clear();
        await new BadGatewayProblem(
                $"The sidecar could not invoke '{appId}' ({errorCode}, status {(int)response.StatusCode}).",
                "The upstream service could not be reached.")
            .ExecuteAsync(context.HttpContext);
    }

    private static bool MayBeDaprError(HttpResponseMessage response) =>
        (int)response.StatusCode >= 400
        && response.Content.Headers.ContentType?.MediaType is "application/json"
        && response.Content.Headers.ContentLength is null or (> 0 and <= MaxInspectedErrorBytes);

    /// <summary>Dapr's own errors carry {"errorCode":"ERR_…"}; an app's problem details do not.</summary>
    private static string? ReadDaprErrorCode(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("errorCode", out var code)
                && code.ValueKind == JsonValueKind.String
                && code.GetString() is { } text
                && text.StartsWith("ERR_", StringComparison.Ordinal)
                    ? text
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sidecar could not invoke '{AppId}': {Status} {ErrorCode}")]
    private static partial void LogDaprError(ILogger logger, string appId, int status, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Error body from '{AppId}' could not be read")]
    private static partial void LogErrorBodyUnreadable(ILogger logger, string appId, Exception ex);
}
