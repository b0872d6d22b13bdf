using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using DaprPlatform.DevHost.Configuration;
using Microsoft.AspNetCore.Http.Features;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Service invocation (Dapr docs: reference/api/service_invocation_api).</summary>
internal static class InvocationEndpoints
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    // Dapr strips client-sent copies of these and stamps its own; dapr-app-id and the caller's sidecar token never reach the callee.
    private static readonly HashSet<string> DaprOwned = new(StringComparer.OrdinalIgnoreCase)
    {
        "dapr-caller-app-id", "dapr-callee-app-id", "dapr-caller-namespace", "dapr-app-id", "dapr-api-token",
    };

    public static void Map(WebApplication app, SidecarRuntime sidecar, Platform platform)
    {
        app.Map("/v1.0/invoke/{appId}/method/{**method}", (HttpContext ctx, string appId, string? method)
            => InvokeAsync(ctx, sidecar, platform, appId, method ?? "", stripBasicAuth: false));

        // The invoke handler is daprd's fallback route: any non-Dapr path with a dapr-app-id header (or basic auth user dapr-app-id).
        app.Map("/{**path}", (HttpContext ctx, string? path) =>
        {
            if (ctx.Request.Headers.TryGetValue("dapr-app-id", out var header) && header.ToString().Length > 0)
            {
                return InvokeAsync(ctx, sidecar, platform, header.ToString(), path ?? "", stripBasicAuth: false);
            }

            if (BasicAuthAppId(ctx) is { } fromAuth)
            {
                return InvokeAsync(ctx, sidecar, platform, fromAuth, path ?? "", stripBasicAuth: true);
            }

            return DaprError.WriteAsync(ctx, 404, "ERR_DIRECT_INVOKE", "failed getting app id either from the URL path or the header dapr-app-id");
        });
    }

    private static string? BasicAuthAppId(HttpContext ctx)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) { return null; }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && decoded[..colon] == "dapr-app-id" && colon < decoded.Length - 1 ? decoded[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task InvokeAsync(HttpContext ctx, SidecarRuntime caller, Platform platform, string target, string method, bool stripBasicAuth)
    {
        var ct = ctx.RequestAborted;
        Uri baseUri;
        string targetId;
        string? appToken = null;
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // A full URL addresses a non-Dapr endpoint.
            targetId = target;
            baseUri = new Uri(target.TrimEnd('/') + "/");
        }
        else
        {
            // appId.namespace: DevHost runs a single namespace, so the suffix only has to match it.
            var dot = target.IndexOf('.', StringComparison.Ordinal);
            targetId = dot > 0 ? target[..dot] : target;
            if (!platform.Sidecars.TryGetValue(targetId, out var callee) || (dot > 0 && target[(dot + 1)..] != callee.Namespace))
            {
                await DaprError.WriteAsync(ctx, 500, "ERR_DIRECT_INVOKE", $"failed to invoke, id: {target}, err: couldn't find service: {target}");
                return;
            }

            if (callee.App.AppPort is not { } port)
            {
                await DaprError.WriteAsync(ctx, 500, "ERR_DIRECT_INVOKE", $"failed to invoke, id: {target}, err: app channel is not initialized (app '{targetId}' has no appPort)");
                return;
            }

            baseUri = new Uri($"http://127.0.0.1:{port}/");
            appToken = callee.AppApiToken;
        }

        var uri = new Uri(baseUri, method.TrimStart('/') + ctx.Request.QueryString.Value);
        var policy = caller.Resources.Resiliency.Apps.GetValueOrDefault(targetId);
        var breaker = policy?.CircuitBreaker is { } cbPolicy ? platform.Breaker("app:" + caller.AppId + "->" + targetId, cbPolicy) : null;

        var canHaveBody = ctx.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;
        byte[]? bufferedBody = null;
        if (canHaveBody && policy?.Retry is not null)
        {
            // A retried request needs its body again, so it is buffered only when a retry policy applies.
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms, ct);
            bufferedBody = ms.ToArray();
        }

        var traceparent = ctx.Request.Headers["traceparent"].ToString();
        if (string.IsNullOrEmpty(traceparent))
        {
            traceparent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
        }

        var retries = 0;
        while (true)
        {
            if (breaker is not null && !breaker.TryEnter())
            {
                await DaprError.WriteAsync(ctx, 500, "ERR_DIRECT_INVOKE", $"failed to invoke, id: {target}, err: circuit breaker is open");
                return;
            }

            using var request = BuildRequest(ctx, caller, targetId, uri, traceparent, appToken, stripBasicAuth, canHaveBody, bufferedBody);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (policy?.Timeout is { } t) { timeout.CancelAfter(t); }
            HttpResponseMessage? response = null;
            string? failure = null;
            try
            {
                response = await platform.AppClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (HttpRequestException ex)
            {
                failure = ex.Message;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = "timeout waiting for the app to respond";
            }

            var retryable = response is null || (policy?.Retry is { MatchingStatusCodes.Count: > 0 } r && r.Retries((int)response.StatusCode));
            // As in Dapr, a response is an error for resiliency only when its status matches the retry policy; transport failures always are.
            var failed = response is null || (policy?.Retry is { MatchingStatusCodes.Count: > 0 } m && m.Retries((int)response.StatusCode));
            if (failed) { breaker?.Failure(); } else { breaker?.Success(); }

            if (retryable && policy?.Retry is { } retry && retry.MayRetry(retries) && (canHaveBody == false || bufferedBody is not null))
            {
                response?.Dispose();
                retries++;
                await Task.Delay(retry.DelayBefore(retries), platform.Time, ct);
                continue;
            }

            if (response is null)
            {
                await DaprError.WriteAsync(ctx, 500, "ERR_DIRECT_INVOKE", $"failed to invoke, id: {target}, err: {failure}");
                return;
            }

            using (response)
            {
                ctx.Response.StatusCode = (int)response.StatusCode;
                foreach (var h in response.Headers.Concat(response.Content.Headers))
                {
                    if (!HopByHop.Contains(h.Key)) { ctx.Response.Headers[h.Key] = h.Value.ToArray(); }
                }

                await using var body = await response.Content.ReadAsStreamAsync(ct);
                await body.CopyToAsync(ctx.Response.Body, ct);
            }

            return;
        }
    }

    private static HttpRequestMessage BuildRequest(
        HttpContext ctx, SidecarRuntime caller, string targetId, Uri uri, string traceparent, string? appToken, bool stripBasicAuth, bool canHaveBody, byte[]? bufferedBody)
    {
        var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), uri);
        if (canHaveBody)
        {
            request.Content = bufferedBody is not null ? new ByteArrayContent(bufferedBody) : new StreamContent(ctx.Request.Body);
        }

        foreach (var (name, values) in ctx.Request.Headers)
        {
            if (HopByHop.Contains(name) || DaprOwned.Contains(name) || name.Equals("traceparent", StringComparison.OrdinalIgnoreCase)) { continue; }
            if (stripBasicAuth && name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) { continue; }
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
                continue;
            }

            request.Headers.TryAddWithoutValidation(name, values.ToArray());
        }

        var remote = ctx.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        var host = ctx.Request.Host.Value ?? "";
        request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        request.Headers.TryAddWithoutValidation("dapr-caller-app-id", caller.AppId);
        request.Headers.TryAddWithoutValidation("dapr-callee-app-id", targetId);
        request.Headers.TryAddWithoutValidation("dapr-caller-namespace", caller.Namespace);
        request.Headers.Remove("X-Forwarded-For");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", ctx.Request.Headers["X-Forwarded-For"] is { Count: > 0 } xff ? $"{xff}, {remote}" : remote);
        request.Headers.Remove("X-Forwarded-Host");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
        request.Headers.Remove("Forwarded");
        request.Headers.TryAddWithoutValidation("Forwarded", $"by=127.0.0.1;for={remote};host={host};proto=http");
        if (appToken is not null) { request.Headers.TryAddWithoutValidation("dapr-api-token", appToken); }
        return request;
    }

    /// <summary>Used by the broker and subscription loader: a sidecar → app call with the app token.</summary>
    public static HttpRequestMessage AppRequest(SidecarRuntime app, HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri($"http://127.0.0.1:{app.App.AppPort}/{path.TrimStart('/')}"));
        if (app.AppApiToken is { } token) { request.Headers.TryAddWithoutValidation("dapr-api-token", token); }
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}
