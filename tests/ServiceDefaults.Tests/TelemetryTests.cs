using System.Collections.Concurrent;
using System.Diagnostics;
using DaprPlatform.ServiceDefaults.Telemetry;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>
/// OpenTelemetry wiring of AddServiceDefaults: export only with an endpoint, W3C trace context continued from daprd
/// (docs.dapr.io, "W3C trace context": the sidecar passes traceparent to the app, the app passes it back on its calls),
/// and log records carrying the trace and span ids.
/// </summary>
public sealed class TelemetryTests
{
    private const string IncomingTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string IncomingSpanId = "00f067aa0ba902b7";

    private static string TraceParent(string flags = "01") => $"00-{IncomingTraceId}-{IncomingSpanId}-{flags}";

    /// <summary>A sidecar stand-in that answers 204 and keeps the traceparent of every call it receives.</summary>
    private static Task<LoopbackApp> TraceParentRecordingSidecarAsync(ConcurrentQueue<string?> traceParents) =>
        LoopbackApp.StartAsync(app => app.Run(context =>
        {
            traceParents.Enqueue(context.Request.Headers["traceparent"].FirstOrDefault());
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }));

    /// <summary>The app's call to another app through the sidecar (the test's own HttpClient spans are System.Net.Http's too).</summary>
    private static bool IsInvocation(Activity span) =>
        span.Source.Name == "System.Net.Http" && span.GetTagItem("url.full") is string url && url.Contains("/v1.0/invoke/other/method/state", StringComparison.Ordinal);

    [Fact]
    public async Task Without_an_endpoint_no_provider_and_no_exporter_is_built()
    {
        await using var app = await TelemetryApp.StartAsync(settings: new Dictionary<string, string?>());

        PlatformTelemetry.ExporterEndpoint(app.Services.GetRequiredService<IConfiguration>()).Should().BeNull();
        app.Services.GetService<TracerProvider>().Should().BeNull("nothing should listen to activities when export is off");
        app.Services.GetService<MeterProvider>().Should().BeNull();
        app.Services.GetServices<ILoggerProvider>().Should().NotContain(p => p is OpenTelemetryLoggerProvider);
    }

    [Fact]
    public async Task With_an_endpoint_traces_metrics_and_logs_go_to_the_collector_over_otlp_http()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        await using var collector = await LoopbackApp.StartAsync(app => app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path.Value ?? "", context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = StatusCodes.Status200OK;
        }));
        await using var app = await TelemetryApp.StartAsync(settings: new Dictionary<string, string?>
        {
            [PlatformTelemetry.EndpointVariable] = collector.BaseAddress.ToString(),
        });

        using var response = await app.Client.GetAsync("/hello");
        response.EnsureSuccessStatusCode();
        var tracing = app.Services.GetRequiredService<TracerProvider>();
        var metrics = app.Services.GetRequiredService<MeterProvider>();
        var logging = app.Services.GetRequiredService<LoggerProvider>();

        var paths = await Eventually.UntilAsync(
            "OTLP exports of all three signals",
            _ =>
            {
                tracing.ForceFlush(2000);
                metrics.ForceFlush(2000);
                logging.ForceFlush(2000);
                return Task.FromResult(received.Select(r => r.Path).Distinct().ToList());
            },
            p => p.Contains("/v1/traces") && p.Contains("/v1/metrics") && p.Contains("/v1/logs"),
            TimeSpan.FromSeconds(20),
            p => string.Join(", ", p));

        paths.Should().Contain(["/v1/traces", "/v1/metrics", "/v1/logs"]);
        received.Should().OnlyContain(r => r.ContentType == "application/x-protobuf");
        var traces = received.First(r => r.Path == "/v1/traces").Body;
        // The resource rides along in protobuf as plain UTF-8 strings.
        Contains(traces, "service.namespace").Should().BeTrue();
        Contains(traces, PlatformTelemetry.ServiceNamespace).Should().BeTrue();
        Contains(traces, TelemetryApp.ServiceName).Should().BeTrue();
        Contains(traces, "service.instance.id").Should().BeTrue();
    }

    [Fact]
    public async Task An_incoming_traceparent_is_continued_by_the_server_span_and_by_the_sidecar_call()
    {
        var sidecarTraceParents = new ConcurrentQueue<string?>();
        await using var sidecar = await TraceParentRecordingSidecarAsync(sidecarTraceParents);
        var spans = new List<Activity>();
        await using var app = await TelemetryApp.StartAsync(sidecar: sidecar.BaseAddress, spans: spans);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/state");
        request.Headers.TryAddWithoutValidation("traceparent", TraceParent());
        using var response = await app.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var server = await ServerSpanAsync(spans);
        server.TraceId.ToHexString().Should().Be(IncomingTraceId);
        server.ParentSpanId.ToHexString().Should().Be(IncomingSpanId, "the server span is the child of daprd's span");
        Activity[] snapshot;
        lock (spans) { snapshot = [.. spans]; }
        // The invocation HttpClient's own span (System.Net.Http), child of the server span.
        var client = snapshot.Should().ContainSingle(a => IsInvocation(a)).Subject;
        client.Kind.Should().Be(ActivityKind.Client);
        client.TraceId.ToHexString().Should().Be(IncomingTraceId);
        client.ParentSpanId.Should().Be(server.SpanId);

        var sent = sidecarTraceParents.Should().ContainSingle().Subject!;
        var parts = sent.Split('-');
        parts[1].Should().Be(IncomingTraceId, "the sidecar call stays in the caller's trace");
        snapshot.Select(a => a.SpanId.ToHexString()).Should().Contain(parts[2], "the sidecar's parent is one of the app's exported spans");
    }

    [Fact]
    public async Task An_unsampled_traceparent_is_respected_but_still_propagated()
    {
        // Parent-based sampling: daprd's samplingRate decision (flags 00) holds in the app too.
        var sidecarTraceParents = new ConcurrentQueue<string?>();
        await using var sidecar = await TraceParentRecordingSidecarAsync(sidecarTraceParents);
        var spans = new List<Activity>();
        await using var app = await TelemetryApp.StartAsync(sidecar: sidecar.BaseAddress, spans: spans);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/state");
        request.Headers.TryAddWithoutValidation("traceparent", TraceParent("00"));
        using var response = await app.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        // A sampled request afterwards proves the exporter works, so "nothing exported" above is not an accident.
        using var sampled = new HttpRequestMessage(HttpMethod.Get, "/hello");
        sampled.Headers.TryAddWithoutValidation("traceparent", TraceParent());
        (await app.Client.SendAsync(sampled)).EnsureSuccessStatusCode();
        await ServerSpanAsync(spans, "/hello");

        lock (spans)
        {
            spans.Should().NotContain(a => a.GetTagItem("url.path") as string == "/state");
            spans.Where(IsInvocation).Should().BeEmpty();
        }

        var sent = sidecarTraceParents.Should().ContainSingle().Subject!;
        sent.Should().StartWith($"00-{IncomingTraceId}-").And.EndWith("-00");
    }

    [Fact]
    public async Task Log_records_carry_the_trace_and_span_ids()
    {
        var spans = new List<Activity>();
        var records = new List<LogRecord>();
        var scopes = new ScopeCapture();
        await using var app = await TelemetryApp.StartAsync(spans: spans, logs: records, scopes: scopes);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.TryAddWithoutValidation("traceparent", TraceParent());
        (await app.Client.SendAsync(request)).EnsureSuccessStatusCode();
        var server = await ServerSpanAsync(spans, "/hello");

        LogRecord record;
        lock (records) { record = records.Single(r => r.FormattedMessage == TelemetryApp.HelloMessage); }
        record.TraceId.ToHexString().Should().Be(IncomingTraceId);
        record.SpanId.Should().Be(server.SpanId);

        // What the JSON console prints with IncludeScopes: ActivityTrackingOptions add TraceId/SpanId/ParentId as a scope.
        var scope = scopes.For(TelemetryApp.HelloMessage);
        scope.Should().Contain(new KeyValuePair<string, string>("TraceId", IncomingTraceId));
        scope.Should().Contain(new KeyValuePair<string, string>("SpanId", server.SpanId.ToHexString()));
        scope.Should().Contain(new KeyValuePair<string, string>("ParentId", IncomingSpanId));
    }

    private static async Task<Activity> ServerSpanAsync(List<Activity> spans, string path = "/state") =>
        await Eventually.UntilAsync(
            $"the server span of {path}",
            _ =>
            {
                lock (spans)
                {
                    return Task.FromResult(spans.FirstOrDefault(a => a.Kind == ActivityKind.Server && a.GetTagItem("url.path") as string == path));
                }
            },
            a => a is not null,
            TimeSpan.FromSeconds(10),
            _ => string.Join(" | ", spans.Select(a => a.Source.Name + " " + a.DisplayName + " " + string.Join(",", a.TagObjects.Select(t => t.Key + "=" + t.Value)))))
        ?? throw new InvalidOperationException("unreachable");

    private static bool Contains(byte[] haystack, string text) =>
        haystack.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;

    /// <summary>An app built with AddServiceDefaults, with in-memory exporters added the way any extra exporter would be.</summary>
    private sealed class TelemetryApp : IAsyncDisposable
    {
        public const string ServiceName = "telemetry-test";
        public const string HelloMessage = "hello handled";

        private readonly WebApplication _app;

        private TelemetryApp(WebApplication app)
        {
            _app = app;
            Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        }

        public HttpClient Client { get; }

        public IServiceProvider Services => _app.Services;

        public static async Task<TelemetryApp> StartAsync(
            IReadOnlyDictionary<string, string?>? settings = null, Uri? sidecar = null, List<Activity>? spans = null, List<LogRecord>? logs = null, ScopeCapture? scopes = null)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            if (sidecar is not null)
            {
                // Where the SDK's invocation client finds the sidecar (read from configuration before the environment).
                builder.Configuration.AddInMemoryCollection([
                    new("DAPR_HTTP_ENDPOINT", sidecar.ToString().TrimEnd('/')),
                    new("Sidecar:SecretStore", "none"),
                ]);
            }

            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.AddServiceDefaults(ServiceName);

            // Keep test output readable: drop only the JSON console, not the OpenTelemetry logger.
            foreach (var console in builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
            {
                builder.Services.Remove(console);
            }

            if (scopes is not null)
            {
                builder.Logging.AddProvider(scopes);
            }

            if (spans is not null || logs is not null)
            {
                var otel = builder.Services.AddOpenTelemetry();
                if (spans is not null) { otel.WithTracing(t => t.AddInMemoryExporter(spans)); }
                if (logs is not null) { otel.WithLogging(l => l.AddInMemoryExporter(logs), o => o.IncludeFormattedMessage = true); }
            }

            var app = builder.Build();
            app.UseServiceDefaults(requireAppApiTokenForAllRoutes: false);
            app.MapGet("/hello", (ILogger<TelemetryApp> logger) =>
            {
                logger.LogInformation(HelloMessage);
                return Results.Ok("hi");
            });
            // A call to another app through the sidecar (service invocation over HTTP).
            app.MapGet("/state", async (AppInvocationClients invocation, CancellationToken ct) =>
            {
                using var answer = await invocation.For("other").GetAsync("state", ct);
                return Results.StatusCode((int)answer.StatusCode);
            });
            await app.StartAsync();
            return new TelemetryApp(app);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A logger provider that receives external scopes, as the JSON console does, and keeps them per message.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<(string Message, Dictionary<string, string> Scope)> _entries = new();
        private IExternalScopeProvider? _scopes;

        public Dictionary<string, string> For(string message) => _entries.First(e => e.Message == message).Scope;

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, string>(StringComparer.Ordinal);
                owner._scopes?.ForEachScope(
                    (value, target) =>
                    {
                        if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            foreach (var (key, item) in pairs) { target[key] = item?.ToString() ?? ""; }
                        }
                    },
                    scope);
                owner._entries.Enqueue((formatter(state, exception), scope));
            }
        }
    }
}
