using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using DaprPlatform.Gateway.Domain;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Gateway.Infrastructure;

/// <summary>
/// Forwards one request through the gateway's own sidecar (service invocation) and streams the answer back.
/// Failures of the hop itself become problem details: unreachable sidecar 502, no answer in time 504,
/// a Dapr error body (the sidecar could not reach the app) 502 naming the app.
/// </summary>
public sealed partial class SidecarForwarder(
    AppInvocationClients invocation,
    IOptions<GatewayOptions> options,
    IOptions<ServiceLimits> limits,
    TimeProvider time,
    ILogger<SidecarForwarder> logger)
{
    // Dapr's own error bodies are small; anything bigger is the app's answer and streams through untouched.
    private const int MaxInspectedErrorBytes = 16 * 1024;

    public async Task ForwardAsync(HttpContext context, ServiceRoute route)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(route);
        var aborted = context.RequestAborted;

        using var upstream = CreateUpstreamRequest(context, route);
        using var timeout = new CancellationTokenSource(options.Value.UpstreamTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);

        HttpResponseMessage response;
        try
        {
            response = await invocation.For(route.AppId).SendAsync(upstream, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        }
        catch (Exception ex) when (Find<BadHttpRequestException>(ex) is { } bad)
        {
            // The client's body broke a limit while we streamed it: answer as if we had read it ourselves.
            ExceptionDispatchInfo.Capture(bad).Throw();
            throw;
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // The client went away; the linked token already cancelled the upstream call.
            context.Abort();
            return;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            LogTimeout(logger, route.AppId, options.Value.UpstreamTimeout);
            await WriteProblemAsync(context, StatusCodes.Status504GatewayTimeout, "The upstream service did not answer in time.",
                $"'{route.AppId}' did not answer within {options.Value.UpstreamTimeout.TotalSeconds:0.#} s.");
            return;
        }
        catch (HttpRequestException ex)
        {
            LogSidecarUnreachable(logger, route.AppId, ex);
            await WriteProblemAsync(context, StatusCodes.Status502BadGateway, "The gateway's sidecar is unreachable.",
                $"Could not reach the sidecar to invoke '{route.AppId}'.");
            return;
        }

        using (response)
        {
            await RelayAsync(context, route, response, aborted);
        }
    }

    private HttpRequestMessage CreateUpstreamRequest(HttpContext context, ServiceRoute route)
    {
        var request = context.Request;
        // The app sees the original path and query: everything after /method/ is forwarded as is.
        var pathAndQuery = request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        // http://{app id}/path: the SDK's invocation handler sends it to the sidecar as /v1.0/invoke/{app id}/method/path.
        var upstream = new HttpRequestMessage(new HttpMethod(request.Method), new Uri($"http://{route.AppId}{pathAndQuery}"));

        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0)
        {
            upstream.Content = new StreamingRequestContent(new BodyLimitStream(request.Body, limits.Value.MaxRequestBodyBytes));
        }

        var namedInConnection = ForwardedHeaders.NamedInConnection(request.Headers.Connection);
        foreach (var (name, values) in request.Headers)
        {
            if (!ForwardedHeaders.ForwardRequestHeader(name, namedInConnection))
            {
                continue;
            }

            if (!upstream.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                upstream.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // Normally the library derives traceparent from the server activity (same trace id); keep the
        // caller's own header when no activity exists, so the trace is never cut at the edge.
        if (!upstream.Headers.Contains("traceparent") && request.Headers.TryGetValue("traceparent", out var traceParent))
        {
            upstream.Headers.TryAddWithoutValidation("traceparent", (IEnumerable<string?>)traceParent);
            if (request.Headers.TryGetValue("tracestate", out var traceState))
            {
                upstream.Headers.TryAddWithoutValidation("tracestate", (IEnumerable<string?>)traceState);
            }
        }

        // The edge is the first hop we trust, so it states the client address instead of appending to a client-sent chain.
        if (context.Connection.RemoteIpAddress is { } remote)
        {
            upstream.Headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        }

        upstream.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        if (request.Host.HasValue)
        {
            upstream.Headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        }

        return upstream;
    }

    private async Task RelayAsync(HttpContext context, ServiceRoute route, HttpResponseMessage response, CancellationToken aborted)
    {
        await using var body = await response.Content.ReadAsStreamAsync(aborted);
        ReadOnlyMemory<byte> prefix = ReadOnlyMemory<byte>.Empty;
        var complete = false;
        if (MayBeDaprError(response))
        {
            (prefix, complete) = await ReadPrefixAsync(body, MaxInspectedErrorBytes, aborted);
            if (complete && ReadDaprErrorCode(prefix) is { } errorCode)
            {
                LogDaprError(logger, route.AppId, (int)response.StatusCode, errorCode);
                await WriteProblemAsync(context, StatusCodes.Status502BadGateway, "The upstream service could not be reached.",
                    $"The sidecar could not invoke '{route.AppId}' ({errorCode}, status {(int)response.StatusCode}).");
                return;
            }
        }

        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        var namedInConnection = ForwardedHeaders.NamedInConnection(response.Headers.Connection);
        CopyResponseHeaders(response.Headers, outgoing, namedInConnection);
        CopyResponseHeaders(response.Content.Headers, outgoing, namedInConnection);

        // Bytes go out as they arrive (no response buffering), so large or slow bodies stream.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            if (!prefix.IsEmpty)
            {
                await outgoing.Body.WriteAsync(prefix, aborted);
            }

            if (!complete)
            {
                await body.CopyToAsync(outgoing.Body, aborted);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // Headers are gone already; cutting the connection is the only honest way to say the body is incomplete.
            if (!aborted.IsCancellationRequested)
            {
                LogBodyInterrupted(logger, route.AppId, ex);
            }

            context.Abort();
        }
    }

    /// <summary>Reads up to <paramref name="max"/> bytes; complete = the body ended within them.</summary>
    private static async Task<(ReadOnlyMemory<byte> Prefix, bool Complete)> ReadPrefixAsync(Stream body, int max, CancellationToken ct)
    {
        var buffer = new byte[max + 1];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0)
            {
                return (buffer.AsMemory(0, filled), true);
            }

            filled += read;
        }

        return (buffer.AsMemory(0, filled), false);
    }

    private static void CopyResponseHeaders(HttpHeaders headers, HttpResponse outgoing, HashSet<string> namedInConnection)
    {
        foreach (var (name, values) in headers)
        {
            if (ForwardedHeaders.ForwardResponseHeader(name, namedInConnection))
            {
                outgoing.Headers[name] = values.ToArray();
            }
        }
    }

    private static bool MayBeDaprError(HttpResponseMessage response) =>
        (int)response.StatusCode >= 400
        && response.Content.Headers.ContentType?.MediaType is "application/json"
        && response.Content.Headers.ContentLength is null or (> 0 and <= MaxInspectedErrorBytes);

    /// <summary>Dapr's own errors carry {"errorCode":"ERR_…"}; an app's problem details do not.</summary>
    private static string? ReadDaprErrorCode(ReadOnlyMemory<byte> body)
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

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        var result = TypedResults.Problem(detail, statusCode: status, title: title);
        await result.ExecuteAsync(context);
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T match)
            {
                return match;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream '{AppId}' timed out after {Timeout}")]
    private static partial void LogTimeout(ILogger logger, string appId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sidecar unreachable while invoking '{AppId}'")]
    private static partial void LogSidecarUnreachable(ILogger logger, string appId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sidecar could not invoke '{AppId}': {Status} {ErrorCode}")]
    private static partial void LogDaprError(ILogger logger, string appId, int status, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Response body from '{AppId}' was interrupted")]
    private static partial void LogBodyInterrupted(ILogger logger, string appId, Exception ex);
}
