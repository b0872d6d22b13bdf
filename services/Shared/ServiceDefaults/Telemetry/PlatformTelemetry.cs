using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DaprPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry traces, metrics and logs for a DaprPlatform app, exported over OTLP only when an endpoint is configured.
/// </summary>
/// <remarks>
/// Incoming HTTP uses OpenTelemetry.Instrumentation.AspNetCore: on .NET 10 the native "Microsoft.AspNetCore" activity
/// carries no tags and a fixed name, so without it server spans would show neither route nor status. HttpClient's
/// native "System.Net.Http" activity already has the semantic-convention tags, and the built-in meters
/// (Microsoft.AspNetCore.Hosting, System.Net.Http, System.Runtime) give http.server.request.duration and runtime
/// metrics, so those are subscribed by name instead of adding the Http/Runtime instrumentation packages.
/// </remarks>
public static class PlatformTelemetry
{
    public const string ServiceNamespace = "daprplatform";

    /// <summary>Standard OTel variable (also readable as configuration key of the same name).</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>appsettings alternative to <see cref="EndpointVariable"/>; wins when both are set.</summary>
    public const string EndpointConfigKey = "OpenTelemetry:Otlp:Endpoint";

    public const string ProtocolConfigKey = "OpenTelemetry:Otlp:Protocol";

    /// <summary>Activity sources every app exports.</summary>
    public static IReadOnlyList<string> ActivitySources { get; } =
        ["System.Net.Http", "DaprPlatform.*"];

    /// <summary>Meters every app exports: built-in HTTP server/client and runtime meters plus our own DaprPlatform.*.</summary>
    public static IReadOnlyList<string> Meters { get; } =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime", "DaprPlatform.*"];

    /// <summary>
    /// Describes sources, meters and resource for any OpenTelemetry provider the app builds; builds the providers (and an
    /// OTLP exporter for all three signals) only when an endpoint is configured, so an unconfigured app pays nothing.
    /// </summary>
    public static WebApplicationBuilder AddPlatformTelemetry(this WebApplicationBuilder builder, string serviceName, string? appId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var services = builder.Services;
        var resource = ResourceFor(string.IsNullOrWhiteSpace(appId) ? serviceName : appId);

        // These only register configuration: with no provider built (no endpoint, no test exporter) nothing listens.
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .ConfigureResource(resource)
            // Parent-based: a traceparent from daprd (sampled or not, per the Dapr Configuration's samplingRate) decides;
            // a trace the app starts itself is always sampled.
            .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
            .AddAspNetCoreInstrumentation(o =>
            {
                // Probes hit these every few seconds; their spans would drown real traffic.
                o.Filter = context => !IsProbe(context.Request.Path);
                o.RecordException = true;
            })
            .AddSource([.. ActivitySources]));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics
            .ConfigureResource(resource)
            .AddMeter([.. Meters]));
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.ConfigureResource(resource));

        var endpoint = ExporterEndpoint(builder.Configuration);
        if (endpoint is not null)
        {
            services.AddOpenTelemetry()
                .WithTracing()
                .WithMetrics()
                .WithLogging(configureBuilder: null, configureOptions: o =>
                {
                    o.IncludeScopes = true;
                    o.IncludeFormattedMessage = true;
                })
                .UseOtlpExporter(ExporterProtocol(builder.Configuration), endpoint);
        }

        return builder;
    }

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/readyz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The OTLP base address (signal paths are appended for http/protobuf), or null when export is off.</summary>
    public static Uri? ExporterEndpoint(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[EndpointConfigKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            value = configuration[EndpointVariable];
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidOperationException($"{EndpointVariable} / {EndpointConfigKey} must be an absolute http(s) URL; got '{value}'.");
    }

    /// <summary>http/protobuf unless "grpc" is asked for: the OTel spec default, and the collector port 4318 Dapr's own tracing uses.</summary>
    public static OtlpExportProtocol ExporterProtocol(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[ProtocolConfigKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            value = configuration[ProtocolVariable];
        }

        return value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            "grpc" => OtlpExportProtocol.Grpc,
            _ => throw new InvalidOperationException($"{ProtocolVariable} must be 'http/protobuf' or 'grpc'; got '{value}'."),
        };
    }

    private static Action<ResourceBuilder> ResourceFor(string serviceName) => resource => resource.AddService(
        serviceName: serviceName,
        serviceNamespace: ServiceNamespace,
        serviceVersion: null,
        autoGenerateServiceInstanceId: false,
        serviceInstanceId: ServiceInstanceId());

    /// <summary>The pod name on Kubernetes (HOSTNAME), else machine and process, so replicas stay apart.</summary>
    private static string ServiceInstanceId()
    {
        var host = Environment.GetEnvironmentVariable("HOSTNAME");
        return string.IsNullOrWhiteSpace(host)
            ? $"{Environment.MachineName}-{Environment.ProcessId}"
            : host;
    }
}
