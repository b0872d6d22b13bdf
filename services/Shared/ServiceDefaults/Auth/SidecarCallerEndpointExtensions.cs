using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Invocation-only endpoints: routes other apps call through their sidecar (saga steps, internal commands). They are
/// served only to requests carrying the <c>dapr-caller-app-id</c> header every sidecar stamps on an invocation (plus the
/// app API token that UseServiceDefaults demands of every route where APP_API_TOKEN is set). No user token: the caller is
/// an app. Most live outside <c>/api</c>, so the gateway never forwards them; one that must live under <c>/api</c> names
/// the apps allowed to call it, because a request the gateway forwards arrives stamped with the gateway's app id.
/// </summary>
public static class SidecarCallerEndpointExtensions
{
    public const string CallerAppIdHeader = "dapr-caller-app-id";

    /// <param name="callers">The app ids allowed to call; none = any app. The sidecar sets the header, a client cannot choose it.</param>
    public static TBuilder RequireSidecarCaller<TBuilder>(this TBuilder builder, params string[] callers)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(callers);
        var allowed = new HashSet<string>(callers, StringComparer.Ordinal);
        return builder.AllowAnonymous().ExcludeFromDescription()
            .AddEndpointFilter((context, next) =>
            {
                var caller = context.HttpContext.Request.Headers[CallerAppIdHeader].ToString();
                if (caller.Length == 0)
                {
                    return ValueTask.FromResult<object?>(Problems.Forbidden("Only other apps may call this route, through their sidecar."));
                }

                return allowed.Count == 0 || allowed.Contains(caller)
                    ? next(context)
                    : ValueTask.FromResult<object?>(Problems.Forbidden($"Only {string.Join(", ", allowed.Order(StringComparer.Ordinal))} may call this route."));
            });
    }
}
