using DaprPlatform.DevHost.Configuration;
using Grpc.Core;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Where an invocation goes: the target app (or a full URL), the request URI, the resiliency policy and the callee's app token.</summary>
internal sealed record InvocationRoute(string Target, string TargetId, Uri Uri, TargetPolicy? Policy, string? AppToken);

/// <summary>
/// Service invocation's app channel behind both listeners: resolving the target, the Resiliency policy for it (timeout,
/// retries, circuit breaker) and the headers daprd stamps. The caller builds the request and reads the response.
/// </summary>
internal sealed class InvocationApi(SidecarRuntime caller, Platform platform)
{
    /// <summary><paramref name="pathAndQuery"/> is relative to the app's root (no leading slash).</summary>
    public InvocationRoute Resolve(string target, string pathAndQuery)
    {
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
                throw Failed(target, $"couldn't find service: {target}");
            }

            if (callee.App.AppPort is not { } port)
            {
                throw Failed(target, $"app channel is not initialized (app '{targetId}' has no appPort)");
            }

            if (!callee.AppHealthy)
            {
                // The callee's app channel refuses calls while its health checks fail (daprd http_channel.go InvokeMethod).
                throw Failed(target, "rpc error: code = Internal desc = app is not in a healthy state");
            }

            baseUri = new Uri($"http://127.0.0.1:{port}/");
            appToken = callee.AppApiToken;
        }

        return new InvocationRoute(target, targetId, new Uri(baseUri, pathAndQuery), caller.Resources.Resiliency.Apps.GetValueOrDefault(targetId), appToken);
    }

    /// <summary>
    /// Sends the request <paramref name="build"/> makes, retrying per the route's policy when the request can be sent again
    /// (<paramref name="replayable"/>). A response is returned whatever its status; only transport failures, timeouts and an
    /// open circuit are errors (ERR_DIRECT_INVOKE).
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(InvocationRoute route, bool replayable, Func<HttpRequestMessage> build, CancellationToken ct)
    {
        var policy = route.Policy;
        var breaker = policy?.CircuitBreaker is { } cbPolicy ? platform.Breaker("app:" + caller.AppId + "->" + route.TargetId, cbPolicy) : null;
        var retries = 0;
        while (true)
        {
            if (breaker is not null && !breaker.TryEnter())
            {
                throw Failed(route.Target, "circuit breaker is open");
            }

            using var request = build();
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

            // As in Dapr, a response is an error for resiliency only when its status matches the retry policy; transport failures always are.
            var failed = response is null || (policy?.Retry is { MatchingStatusCodes.Count: > 0 } m && m.Retries((int)response.StatusCode));
            if (failed) { breaker?.Failure(); } else { breaker?.Success(); }

            if (failed && policy?.Retry is { } retry && retry.MayRetry(retries) && replayable)
            {
                response?.Dispose();
                retries++;
                await Task.Delay(retry.DelayBefore(retries), platform.Time, ct);
                continue;
            }

            return response ?? throw Failed(route.Target, failure ?? "no response");
        }
    }

    /// <summary>The headers daprd puts on every call it delivers to an app; client-sent copies are removed first.</summary>
    public static void StampDaprHeaders(HttpRequestMessage request, SidecarRuntime caller, string targetId, string traceparent, string? appToken)
    {
        request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        request.Headers.TryAddWithoutValidation("dapr-caller-app-id", caller.AppId);
        request.Headers.TryAddWithoutValidation("dapr-callee-app-id", targetId);
        request.Headers.TryAddWithoutValidation("dapr-caller-namespace", caller.Namespace);
        if (appToken is not null) { request.Headers.TryAddWithoutValidation("dapr-api-token", appToken); }
    }

    /// <summary>daprd's mapping of an app's HTTP status onto a gRPC code (pkg/messaging/v1/util.go CodeFromHTTPStatus).</summary>
    public static StatusCode GrpcCodeOf(int httpStatus) => httpStatus switch
    {
        >= 200 and < 300 => StatusCode.OK,
        408 => StatusCode.Cancelled,
        500 => StatusCode.Unknown,
        400 => StatusCode.Internal,
        504 => StatusCode.DeadlineExceeded,
        404 => StatusCode.NotFound,
        409 => StatusCode.AlreadyExists,
        403 => StatusCode.PermissionDenied,
        401 => StatusCode.Unauthenticated,
        429 => StatusCode.ResourceExhausted,
        501 => StatusCode.Unimplemented,
        503 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    private static DaprApiException Failed(string target, string why)
        => new("ERR_DIRECT_INVOKE", $"failed to invoke, id: {target}, err: {why}", 500, StatusCode.Internal);
}
