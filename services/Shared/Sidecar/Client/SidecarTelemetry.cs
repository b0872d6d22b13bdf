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
