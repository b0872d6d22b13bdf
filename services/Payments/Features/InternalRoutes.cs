using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Features;

public static class InternalRoutes
{
    /// <summary>The app that runs the booking saga: the only caller that may create, refund or void payments.</summary>
    public const string SagaAppId = "workflows";

    /// <summary>
    /// Invocation-only for the saga's app. These routes sit under <c>/api/payments</c> (the paths), which the
    /// gateway forwards by invocation, stamped <c>dapr-caller-app-id: gateway</c>; naming the one allowed caller keeps
    /// every relayed call (and any other app) out.
    /// </summary>
    public static TBuilder RequireInternalCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireSidecarCaller(SagaAppId);
}
