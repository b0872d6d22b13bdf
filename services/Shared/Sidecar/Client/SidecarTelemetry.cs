using System.Diagnostics;
using System.Net.Http.Headers;

namespace DaprPlatform.Sidecar;

/// <summary>W3C trace context on the app↔sidecar hops.</summary>
public static class SidecarTelemetry
{
    public const string ActivitySourceName = "DaprPlatform.Sidecar";

    public const string TraceParentHeader = "traceparent";

    public const string TraceStateHeader = "tracestate";

    internal static ActivitySource Source { get; } = new(ActivitySourceName);

    /// <summary>
    /// Starts an activity (a child of <paramref name="parentTraceParent"/> when given, else of the current one).
    /// Falls back to a bare W3C activity when nobody listens, so a traceparent always exists.
    /// </summary>
    public static Activity StartActivity(string name, ActivityKind kind, string? parentTraceParent = null)
    {
        ActivityContext parent = default;
        var hasParent = parentTraceParent is not null
            && ActivityContext.TryParse(parentTraceParent, traceState: null, isRemote: true, out parent);

        var activity = hasParent
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);
        if (activity is not null)
        {
            return activity;
        }

        activity = new Activity(name);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        if (hasParent)
        {
            activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        }

        return activity.Start();
    }

    /// <summary>
    /// The client span of one app→sidecar call, named by the Dapr API and its target ("sidecar invoke booking",
    /// "sidecar state statestore"); ids and keys stay out of the name. Null when nobody listens and the request already
    /// carries a traceparent (then no span is needed for propagation).
    /// </summary>
    internal static Activity? StartSidecarCall(HttpRequestMessage request, string? existingTraceParent)
    {
        if (!Source.HasListeners())
        {
            return existingTraceParent is null ? StartActivity("sidecar " + request.Method.Method, ActivityKind.Client) : null;
        }

        var (api, target) = DescribeApi(request.RequestUri);
        var activity = Source.StartActivity(target is null ? $"sidecar {api}" : $"sidecar {api} {target}", ActivityKind.Client);
        if (activity is null)
        {
            return existingTraceParent is null ? StartActivity("sidecar " + request.Method.Method, ActivityKind.Client) : null;
        }

        activity.SetTag("rpc.system", "dapr");
        activity.SetTag("rpc.service", "dapr." + api);
        activity.SetTag("http.request.method", request.Method.Method);
        if (request.RequestUri is { } uri)
        {
            activity.SetTag("server.address", uri.Host);
            activity.SetTag("server.port", uri.Port);
        }

        if (api == "invoke" && target is not null)
        {
            activity.SetTag("dapr.app_id", target);
        }

        return activity;
    }

    internal static void Completed(Activity activity, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        activity.SetTag("http.response.status_code", status);
        if (status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
            activity.SetTag("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>v1.0/{api}/{target}/… → (api, target): invoke/app id, state/store, publish/pubsub, actors/type, secrets/store, workflows/component.</summary>
    internal static (string Api, string? Target) DescribeApi(Uri? uri)
    {
        var segments = uri?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var start = Array.FindIndex(segments, s => s.StartsWith("v1.0", StringComparison.Ordinal));
        if (start < 0 || start + 1 >= segments.Length)
        {
            return ("call", null);
        }

        var api = segments[start + 1];
        var target = start + 2 < segments.Length ? Uri.UnescapeDataString(segments[start + 2]) : null;
        return api is "healthz" or "metadata" or "shutdown" ? (api, null) : (api, target);
    }

    internal static void Apply(HttpRequestHeaders headers, Activity activity)
    {
        if (activity.IdFormat != ActivityIdFormat.W3C || activity.Id is null)
        {
            return;
        }

        headers.Remove(TraceParentHeader);
        headers.TryAddWithoutValidation(TraceParentHeader, activity.Id);
        headers.Remove(TraceStateHeader);
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            headers.TryAddWithoutValidation(TraceStateHeader, activity.TraceStateString);
        }
    }
}
