using System.Diagnostics;
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
        var canHaveBody = ctx.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;
        var traceparent = ctx.Request.Headers["traceparent"].ToString();
        if (string.IsNullOrEmpty(traceparent))
        {
            traceparent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
        }

        var api = new InvocationApi(caller, platform);
        byte[]? bufferedBody = null;
        HttpResponseMessage response;
        try
        {
            var route = api.Resolve(target, method.TrimStart('/') + ctx.Request.QueryString.Value);
            if (canHaveBody && route.Policy?.Retry is not null)
            {
                // A retried request needs its body again, so it is buffered only when a retry policy applies.
                using var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms, ct);
                bufferedBody = ms.ToArray();
            }

            response = await api.SendAsync(
                route,
                replayable: !canHaveBody || bufferedBody is not null,
                () => BuildRequest(ctx, caller, route.TargetId, route.Uri, traceparent, route.AppToken, stripBasicAuth, canHaveBody, bufferedBody),
                ct);
        }
        catch (DaprApiException ex)
        {
            await DaprError.WriteAsync(ctx, ex.HttpStatus, ex.ErrorCode, ex.Message);
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
        InvocationApi.StampDaprHeaders(request, caller, targetId, traceparent, appToken);
        request.Headers.Remove("X-Forwarded-For");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", ctx.Request.Headers["X-Forwarded-For"] is { Count: > 0 } xff ? $"{xff}, {remote}" : remote);
        request.Headers.Remove("X-Forwarded-Host");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
        request.Headers.Remove("Forwarded");
        request.Headers.TryAddWithoutValidation("Forwarded", $"by=127.0.0.1;for={remote};host={host};proto=http");
        return request;
    }
}
