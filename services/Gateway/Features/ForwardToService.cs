using System.Runtime.ExceptionServices;
using DaprPlatform.Gateway.Domain;
using DaprPlatform.Gateway.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace DaprPlatform.Gateway.Features;

/// <summary>
/// <c>/api/**</c> → the owning app through the gateway's sidecar, by YARP with the routes of the "ReverseProxy" section.
/// Non-public routes need a valid bearer token here; the Authorization header still travels on, so each service checks it
/// again (defense in depth). Failures of the hop itself become problem details: sidecar unreachable 502, no answer in time
/// 504, a client body over the limit 413.
/// </summary>
public static partial class ForwardToService
{
    public static IEndpointRouteBuilder MapServiceForwarding(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(RequireTokenUnlessPublicAsync);
            proxy.Use(AnswerForwarderErrorsAsync);
        });
        // Below every proxy route in precedence: an /api path no route owns.
        app.Map("/api/{**rest}", (HttpContext context) => Problems.NotFound($"No service owns '{context.Request.Path}'."))
            .ExcludeFromDescription();
        return app;
    }

    private static async Task RequireTokenUnlessPublicAsync(HttpContext context, Func<Task> next)
    {
        var publicRoutes = context.RequestServices.GetRequiredService<PublicRoutes>();
        if (publicRoutes.IsPublic(context.Request.Method, context.Request.Path.Value ?? "/") || context.User.Identity?.IsAuthenticated == true)
        {
            await next();
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = context.Request.Headers.Authorization.Count == 0
            ? "This route requires a bearer token."
            : "The bearer token is missing, expired or not valid.";
        await Problems.Unauthorized(detail).ExecuteAsync(context);
    }

    private static async Task AnswerForwarderErrorsAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            // No failure, or the answer is already on its way (YARP then aborts the response), or nobody is listening.
            return;
        }

        if (Find<BadHttpRequestException>(failure.Exception) is { } badBody)
        {
            // The client's body broke Kestrel's limit while YARP streamed it: the same 413 problem as a declared length gets.
            ExceptionDispatchInfo.Capture(badBody).Throw();
        }

        var proxy = context.GetReverseProxyFeature();
        var appId = DaprInvocationTransforms.AppIdOf(proxy.Route.Config) ?? proxy.Route.Config.RouteId;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ForwardToService));
        LogForwardingFailed(logger, appId, failure.Error, failure.Exception);
        StatusProblem problem = failure.Error switch
        {
            ForwarderError.RequestTimedOut => Problems.GatewayTimeout($"'{appId}' did not answer within {ActivityTimeout(proxy.Cluster).TotalSeconds:0.#} s."),
            _ => new BadGatewayProblem($"Could not reach the sidecar to invoke '{appId}' ({failure.Error}).", "The gateway's sidecar is unreachable."),
        };
        context.Response.Clear();
        await problem.ExecuteAsync(context);
    }

    // YARP's own default when the cluster sets none.
    private static TimeSpan ActivityTimeout(ClusterModel cluster) => cluster.Config.HttpRequest?.ActivityTimeout ?? TimeSpan.FromSeconds(100);

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        if (ex is AggregateException aggregate)
        {
            return aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(found => found is not null);
        }

        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T match)
            {
                return match;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to '{AppId}' failed: {Error}")]
    private static partial void LogForwardingFailed(ILogger logger, string appId, ForwarderError error, Exception? ex);
}
