using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using DaprPlatform.Grpc.TaskHub;
using DaprPlatform.Sidecar.Actors;
using DaprPlatform.Sidecar.Subscriptions;
using DaprPlatform.Sidecar.Tests.Actors;
using DaprPlatform.Sidecar.Tests.Subscriptions;
using DaprPlatform.Sidecar.Tests.Workflows;
using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sidecar.Tests.Telemetry;

/// <summary>Spans and metrics of the sidecar library: subscriptions, actors, workflow activities.</summary>
public sealed class SidecarTelemetryTests
{
    private const string CloudEventTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CloudEventSpanId = "00f067aa0ba902b7";
    private const string HeaderTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string HeaderSpanId = "b7ad6b7169203331";

    private static Uri Nowhere() => new($"http://127.0.0.1:{FreeTcpPort.Next()}");

    private static StringContent CloudEvent(string id) => new($$$"""
        {"id":"{{{id}}}","source":"identity","type":"com.dapr.event.sent","specversion":"1.0",
         "topic":"user.registered","pubsubname":"pubsub","traceparent":"00-{{{CloudEventTraceId}}}-{{{CloudEventSpanId}}}-01",
         "datacontenttype":"application/json","data":{"userId":"00000000-0000-0000-0000-000000000001","email":"ada@example.com"}}
        """, Encoding.UTF8, "application/cloudevents+json");

    private static async Task<LoopbackApp> SubscriberAsync() => await LoopbackApp.StartAsync(
        app => app.MapSidecarEndpoints(),
        configure: builder =>
        {
            builder.Services.AddSingleton<HandledEvents>();
            builder.Services.AddSidecarClient();
            builder.Services.AddTopicHandler<UserRegistered, UserRegisteredHandler>("pubsub", "user.registered", "/events/user-registered");
        });

    [Fact]
    public async Task A_delivery_without_a_traceparent_header_gets_a_consumer_span_continuing_the_CloudEvents_trace()
    {
        // Dapr pub/sub tracing: the CloudEvent carries the publisher's traceparent; the consumer continues that trace.
        using var spans = new SpanRecorder();
        await using var app = await SubscriberAsync();
        using var metrics = new MetricRecorder(app.Services.GetRequiredService<IMeterFactory>());
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var id = "evt-" + Guid.NewGuid().ToString("N");

        using var response = await http.PostAsync("/events/user-registered", CloudEvent(id));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var span = spans.Single(a => a.Kind == ActivityKind.Consumer && (a.GetTagItem("messaging.message.id") as string) == id);
        span.DisplayName.Should().Be("user.registered process");
        span.TraceId.ToHexString().Should().Be(CloudEventTraceId);
        span.ParentSpanId.ToHexString().Should().Be(CloudEventSpanId);
        span.GetTagItem("messaging.system").Should().Be("dapr");
        span.GetTagItem("messaging.destination.name").Should().Be("user.registered");
        span.GetTagItem("dapr.pubsub.name").Should().Be("pubsub");
        span.GetTagItem("cloudevents.event_id").Should().Be(id);
        span.GetTagItem("daprplatform.outcome").Should().Be("success");
        metrics.Sum("daprplatform.pubsub.deliveries", ("messaging.destination.name", "user.registered"), ("daprplatform.outcome", "success")).Should().Be(1);
    }

    [Fact]
    public async Task A_delivery_with_a_traceparent_header_is_a_child_of_the_request()
    {
        // Real daprd sends the delivery with its own traceparent (already in the CloudEvent's trace): the app's span joins the request.
        using var spans = new SpanRecorder();
        await using var app = await SubscriberAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var id = "evt-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events/user-registered") { Content = CloudEvent(id) };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{HeaderTraceId}-{HeaderSpanId}-01");

        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var span = spans.Single(a => a.Kind == ActivityKind.Consumer && (a.GetTagItem("messaging.message.id") as string) == id);
        span.TraceId.ToHexString().Should().Be(HeaderTraceId);
        span.ParentSpanId.ToHexString().Should().NotBe(CloudEventSpanId);
        span.Parent.Should().NotBeNull("the request's server activity is the parent");
        span.Parent!.ParentSpanId.ToHexString().Should().Be(HeaderSpanId);
    }

    [Fact]
    public async Task Each_actor_turn_has_a_span_a_count_and_a_duration()
    {
        using var spans = new SpanRecorder();
        var actorType = "Counter" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricRecorder(actorType);
        await using var host = ActorTestHost<CounterActor>.Create(new ActorId("c-1"), o =>
        {
            o.ActorType = actorType;
            o.ConfigureServices = s => s.AddSingleton(new ActorProbe());
        });

        await host.InvokeMethodAsync(nameof(ICounterActor.IncrementAsync), "2");
        var fail = () => host.CallAsync(a => a.FailAfterWriteAsync(5));
        await fail.Should().ThrowAsync<InvalidOperationException>();

        var ok = spans.Single(a => (a.GetTagItem("dapr.actor.type") as string) == actorType && a.Status != ActivityStatusCode.Error);
        ok.DisplayName.Should().Be($"{actorType}/{nameof(ICounterActor.IncrementAsync)}");
        ok.GetTagItem("dapr.actor.id").Should().Be("c-1");
        ok.GetTagItem("dapr.actor.method").Should().Be(nameof(ICounterActor.IncrementAsync));
        ok.GetTagItem("dapr.actor.call_kind").Should().Be("method");
        ok.GetTagItem("daprplatform.outcome").Should().Be("success");
        var failed = spans.Single(a => (a.GetTagItem("dapr.actor.type") as string) == actorType && a.Status == ActivityStatusCode.Error);
        failed.GetTagItem("daprplatform.outcome").Should().Be("error");

        metrics.Sum("daprplatform.actor.turns", ("dapr.actor.type", actorType), ("daprplatform.outcome", "success")).Should().Be(1);
        metrics.Sum("daprplatform.actor.turns", ("dapr.actor.type", actorType), ("daprplatform.outcome", "error")).Should().Be(1);
        metrics.Count("daprplatform.actor.turn.duration", ("dapr.actor.type", actorType)).Should().Be(2);
    }

    [Fact]
    public async Task A_workflow_activity_execution_has_a_span_under_the_scheduling_trace_and_a_count_by_outcome()
    {
        var services = new ServiceCollection()
            .AddMetrics()
            .AddScoped<InvocationScope>()
            .AddTransient<EchoActivity>()
            .AddTransient<FailingActivity>()
            .BuildServiceProvider();
        await using var _ = services;
        using var spans = new SpanRecorder();
        using var metrics = new MetricRecorder(services.GetRequiredService<IMeterFactory>());
        var options = new WorkflowWorkerOptions().RegisterActivity<EchoActivity>().RegisterActivity<FailingActivity>("Charge");
        var executor = new WorkflowActivityExecutor(services.GetRequiredService<IServiceScopeFactory>(), options,
            new SidecarMetrics(services.GetRequiredService<IMeterFactory>(), TimeProvider.System));
        var instanceId = "wf-" + Guid.NewGuid().ToString("N");
        ActivityRequest Request(string name, string input, int taskId) => new()
        {
            Name = name,
            Input = input,
            TaskId = taskId,
            TaskExecutionId = $"exec-{taskId}",
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            // Dapr workflow tracing: the taskScheduled event's trace context is handed to the activity.
            ParentTraceContext = new TraceContext { TraceParent = $"00-{HeaderTraceId}-{HeaderSpanId}-01" },
        };

        (await executor.ExecuteAsync(Request(nameof(EchoActivity), """{"name":"ada"}""", 1), CancellationToken.None)).FailureDetails.Should().BeNull();
        (await executor.ExecuteAsync(Request("Charge", "null", 2), CancellationToken.None)).FailureDetails.Should().NotBeNull();

        var mine = spans.Where(a => (a.GetTagItem("dapr.workflow.instance_id") as string) == instanceId).ToList();
        mine.Should().HaveCount(2, "one span per execution");
        var echo = mine.Single(a => a.DisplayName == "activity " + nameof(EchoActivity));
        echo.TraceId.ToHexString().Should().Be(HeaderTraceId);
        echo.ParentSpanId.ToHexString().Should().Be(HeaderSpanId);
        echo.GetTagItem("dapr.workflow.activity.name").Should().Be(nameof(EchoActivity));
        echo.GetTagItem("dapr.workflow.task_execution_id").Should().Be("exec-1");
        echo.GetTagItem("daprplatform.outcome").Should().Be("completed");
        var charge = mine.Single(a => a.DisplayName == "activity Charge");
        charge.Status.Should().Be(ActivityStatusCode.Error);
        charge.GetTagItem("daprplatform.outcome").Should().Be("failed");
        metrics.Sum("daprplatform.workflow.activities", ("dapr.workflow.activity.name", nameof(EchoActivity)), ("daprplatform.outcome", "completed")).Should().Be(1);
        metrics.Sum("daprplatform.workflow.activities", ("dapr.workflow.activity.name", "Charge"), ("daprplatform.outcome", "failed")).Should().Be(1);
    }

    /// <summary>Stopped activities of the sidecar library (and ASP.NET Core's, so a request's server activity exists).</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ConcurrentQueue<Activity> _stopped = new();
        private readonly ActivityListener _listener;

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name is SidecarTelemetry.ActivitySourceName or "Microsoft.AspNetCore",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public Activity Single(Func<Activity, bool> match) =>
            _stopped.Where(a => a.Source.Name == SidecarTelemetry.ActivitySourceName).Should().ContainSingle(a => match(a)).Subject;

        public IEnumerable<Activity> Where(Func<Activity, bool> match) =>
            _stopped.Where(a => a.Source.Name == SidecarTelemetry.ActivitySourceName && match(a));

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Measurements of DaprPlatform.Sidecar instruments, from one host's meter factory (or tagged with one actor type).</summary>
    private sealed class MetricRecorder : IDisposable
    {
        private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
        private readonly MeterListener _listener = new();

        public MetricRecorder(IMeterFactory factory)
            : this(instrument => ReferenceEquals(instrument.Meter.Scope, factory))
        {
        }

        public MetricRecorder(string actorType)
            : this(_ => true, actorType)
        {
        }

        private MetricRecorder(Func<Instrument, bool> ours, string? actorType = null)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SidecarMetrics.MeterName && ours(instrument)) { listener.EnableMeasurementEvents(instrument); }
            };
            void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
            {
                var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in tags) { copy[tag.Key] = tag.Value; }
                if (actorType is null || Equals(copy.GetValueOrDefault("dapr.actor.type"), actorType))
                {
                    _measurements.Enqueue((instrument.Name, value, copy));
                }
            }

            _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
            _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
            _listener.Start();
        }

        public double Sum(string instrument, params (string Key, object? Value)[] tags) =>
            Matching(instrument, tags).Sum(m => m.Value);

        public int Count(string instrument, params (string Key, object? Value)[] tags) =>
            Matching(instrument, tags).Count();

        /// <summary>Collects the observable instruments now and returns what <paramref name="instrument"/> reported.</summary>
        public List<double> Observe(string instrument)
        {
            _measurements.Clear();
            _listener.RecordObservableInstruments();
            return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value).ToList();
        }

        public Dictionary<string, object?> LastTags(string instrument) => _measurements.Last(m => m.Instrument == instrument).Tags;

        public void Dispose() => _listener.Dispose();

        private IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Matching(string instrument, (string Key, object? Value)[] tags) =>
            _measurements.Where(m => m.Instrument == instrument && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value)));
    }
}
