using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.Gateway.Domain;
using DaprPlatform.Gateway.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Swashbuckle.AspNetCore.SwaggerUI;
using Yarp.ReverseProxy.Configuration;

namespace DaprPlatform.Gateway.Features;

/// <summary>
/// The gateway's Swagger UI shows the whole public API: one definition per app that owns a public route, each the app's own
/// OpenAPI document fetched through the gateway's sidecar at request time (kept briefly), cut to the paths the gateway
/// serves for it (<see cref="PublicApiDocument"/>). An app that cannot be reached gives a problem for its definition only.
/// </summary>
public static partial class ServeServiceOpenApi
{
    /// <summary>Where every app serves its document: Swashbuckle's route for the "v1" document of AddServiceDefaults.</summary>
    public const string ServiceDocumentPath = "swagger/v1/swagger.json";

    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    public static IServiceCollection AddServiceOpenApiDocuments(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddOptions<SwaggerUIOptions>().Configure<IProxyConfigProvider>((ui, proxy) =>
        {
            foreach (var appId in PublicPrefixesByApp(proxy.GetConfig()).Keys)
            {
                // Relative to /swagger/, where the UI lives.
                ui.SwaggerEndpoint($"services/{appId}.json", appId);
            }

            ui.DocumentTitle = "DaprPlatform public API";
            ui.ConfigObject.PersistAuthorization = true;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapServiceOpenApiDocuments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/swagger/services/{appId}.json", HandleAsync).AllowAnonymous().ExcludeFromDescription().WithName("ServiceOpenApiDocument");
        return app;
    }

    public static async Task<Results<ContentHttpResult, NotFoundProblem, BadGatewayProblem, GatewayTimeoutProblem>> HandleAsync(
        string appId,
        IProxyConfigProvider proxy,
        AppInvocationClients invocation,
        IMemoryCache cache,
        IOptions<GatewayOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        if (!PublicPrefixesByApp(proxy.GetConfig()).TryGetValue(appId, out var prefixes))
        {
            return Problems.NotFound($"No public route belongs to '{appId}'.");
        }

        var logger = loggers.CreateLogger(typeof(ServeServiceOpenApi));
        var key = (nameof(ServeServiceOpenApi), appId);
        if (cache.TryGetValue(key, out string? cached) && cached is not null)
        {
            return TypedResults.Text(cached, "application/json");
        }

        using var timeout = new CancellationTokenSource(FetchTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        JsonObject document;
        try
        {
            using var response = await invocation.For(appId).GetAsync(ServiceDocumentPath, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable(logger, appId, $"status {(int)response.StatusCode}");
                return Unavailable(appId, $"it answered {(int)response.StatusCode} through the sidecar");
            }

            document = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(linked.Token), cancellationToken: linked.Token) as JsonObject
                ?? throw new JsonException("The document is not a JSON object.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            LogUnavailable(logger, appId, "timeout");
            return Problems.GatewayTimeout($"'{appId}' did not serve its OpenAPI document within {FetchTimeout.TotalSeconds:0} s.");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            LogUnavailable(logger, appId, ex.Message);
            return Unavailable(appId, ex is JsonException ? "its answer is not an OpenAPI document" : "the gateway's sidecar is unreachable");
        }

        var json = PublicApiDocument.Rewrite(document, appId, prefixes).ToJsonString();
        cache.Set(key, json, options.Value.OpenApiCacheDuration);
        return TypedResults.Text(json, "application/json");
    }

    /// <summary>App id → the public path prefixes it owns: the literal start of each proxy route's path, in app id order.</summary>
    public static SortedDictionary<string, IReadOnlyList<string>> PublicPrefixesByApp(IProxyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var byApp = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var route in config.Routes)
        {
            if (DaprInvocationTransforms.AppIdOf(route) is not { } appId || route.Match.Path is not { } path)
            {
                continue;
            }

            var literals = RoutePatternFactory.Parse(path).PathSegments
                .TakeWhile(s => s.IsSimple && s.Parts[0] is RoutePatternLiteralPart)
                .Select(s => ((RoutePatternLiteralPart)s.Parts[0]).Content);
            var prefix = "/" + string.Join('/', literals);
            byApp[appId] = byApp.TryGetValue(appId, out var known) ? [.. known, prefix] : [prefix];
        }

        return byApp;
    }

    private static BadGatewayProblem Unavailable(string appId, string why) =>
        new($"The OpenAPI document of '{appId}' could not be fetched: {why}.", "The upstream service could not be reached.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenAPI document of '{AppId}' unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string appId, string reason);
}
