using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Invocation-only endpoints: routes other apps call through their sidecar (saga steps, internal commands). They live
/// outside <c>/api</c>, so the gateway never forwards them, and they are served only to requests carrying the
/// <c>dapr-caller-app-id</c> header every sidecar stamps on an invocation (plus the app API token that
/// UseServiceDefaults demands of every route where APP_API_TOKEN is set). No user token: the caller is an app.
/// </summary>
public static class SidecarCallerEndpointExtensions
{
    public const string CallerAppIdHeader = "dapr-caller-app-id";

    public static TBuilder RequireSidecarCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AllowAnonymous().ExcludeFromDescription()
            .AddEndpointFilter((context, next) => context.HttpContext.Request.Headers.ContainsKey(CallerAppIdHeader)
                ? next(context)
                : ValueTask.FromResult<object?>(Problems.Forbidden("Only other apps may call this route, through their sidecar.")));
    }
}
