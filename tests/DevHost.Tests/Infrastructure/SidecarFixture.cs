using System.Net.Http.Headers;

namespace DaprPlatform.DevHost.Tests.Infrastructure;

/// <summary>
/// One DevHost (StartApps = false) with three apps: "caller" and "target" are in-test Kestrel apps,
/// "secured" has DAPR_API_TOKEN set. Shared by the sidecar test classes, which run one after another.
/// </summary>
public sealed class SidecarFixture : IAsyncLifetime
{
    public const string AppToken = "app-secret-token";
    public const string SidecarToken = "sidecar-secret-token";

    public TestHost Files { get; private set; } = null!;

    public FakeApp Caller { get; private set; } = null!;

    public FakeApp Target { get; private set; } = null!;

    public int CallerHttpPort { get; } = FreeTcpPort.Next();

    public int TargetHttpPort { get; } = FreeTcpPort.Next();

    public int SecuredHttpPort { get; } = FreeTcpPort.Next();

    public HttpClient CallerSidecar { get; private set; } = null!;

    public HttpClient TargetSidecar { get; private set; } = null!;

    public HttpClient SecuredSidecar { get; private set; } = null!;

    public const string ProgrammaticSubscriptions = """
        [
          {"pubsubname":"pubsub","topic":"orders","route":"/orders"},
          {"pubsubname":"pubsub","topic":"replies","route":"/replies"},
          {"pubsubname":"pubsub","topic":"retry-then-dlq","route":"/failing","deadLetterTopic":"dead"},
          {"pubsubname":"pubsub","topic":"not-found","route":"/missing","deadLetterTopic":"dead"},
          {"pubsubname":"pubsub","topic":"dead","route":"/dead"},
          {"pubsubname":"pubsub","topic":"raw","route":"/raw","metadata":{"rawPayload":"true"}},
          {"pubsubname":"pubsub","topic":"v2","routes":{"rules":[{"match":"event.type == \"special\"","path":"/v2/special"}],"default":"/v2/default"}},
          {"pubsubname":"pubsub","topic":"bulk-count","route":"/bulk/count","bulkSubscribe":{"enabled":true,"maxMessagesCount":3,"maxAwaitDurationMs":60000}},
          {"pubsubname":"pubsub","topic":"bulk-window","route":"/bulk/window","bulkSubscribe":{"enabled":true,"maxAwaitDurationMs":300}},
          {"pubsubname":"pubsub","topic":"bulk-statuses","route":"/bulk/statuses","deadLetterTopic":"bulk-dead","bulkSubscribe":{"enabled":true,"maxMessagesCount":10,"maxAwaitDurationMs":300}},
          {"pubsubname":"pubsub","topic":"bulk-404","route":"/bulk/missing","deadLetterTopic":"bulk-dead","bulkSubscribe":{"enabled":true,"maxAwaitDurationMs":200}},
          {"pubsubname":"pubsub","topic":"bulk-500","route":"/bulk/broken","deadLetterTopic":"bulk-dead","bulkSubscribe":{"enabled":true,"maxAwaitDurationMs":200}},
          {"pubsubname":"pubsub","topic":"bulk-raw","route":"/bulk/raw","metadata":{"rawPayload":"true"},"bulkSubscribe":{"enabled":true,"maxAwaitDurationMs":200}},
          {"pubsubname":"pubsub","topic":"bulk-ttl","route":"/bulk/ttl","bulkSubscribe":{"enabled":true,"maxAwaitDurationMs":2500}},
          {"pubsubname":"pubsub","topic":"bulk-disabled","route":"/bulk/disabled","bulkSubscribe":{"enabled":false,"maxMessagesCount":5}},
          {"pubsubname":"pubsub","topic":"bulk-dead","route":"/bulk-dead"}
        ]
        """;

    public async Task InitializeAsync()
    {
        var callerPort = FreeTcpPort.Next();
        var targetPort = FreeTcpPort.Next();
        Files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = Yaml.RunFile(
                "./config.yaml",
                ("caller", callerPort, CallerHttpPort, "      HELLO_SECRET: from-env\n      DAPR_SECRET_THING: hidden\n"),
                ("target", targetPort, TargetHttpPort, $"      APP_API_TOKEN: {AppToken}\n"),
                ("secured", FreeTcpPort.Next(), SecuredHttpPort, $"      DAPR_API_TOKEN: {SidecarToken}\n")),
            ["config.yaml"] = """
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: devhost-test
                spec:
                  features:
                    - name: HotReload
                      enabled: true
                  secrets:
                    scopes:
                      - storeName: secretstore
                        defaultAccess: allow
                        deniedSecrets: ["number"]
                """,
            ["caller/.keep"] = "",
            ["target/.keep"] = "",
            ["secured/.keep"] = "",
            ["components/statestore.yaml"] = Yaml.StateStore,
            ["components/pubsub.yaml"] = Yaml.PubSub,
            ["components/secretstore.yaml"] = Yaml.SecretStore,
            ["components/secrets.json"] = Yaml.Secrets,
            ["components/envstore.yaml"] = """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: envstore
                spec:
                  type: secretstores.local.env
                  version: v1
                  metadata: []
                scopes: ["caller"]
                """,
            ["components/resiliency.yaml"] = Yaml.QuickInboundRetry,
            ["components/subscription.yaml"] = """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: routed
                spec:
                  pubsubname: pubsub
                  topic: routed
                  routes:
                    rules:
                      - match: event.type == "order.created" && event.data.kind == "big"
                        path: /routed/big
                      - match: event.type == "order.created"
                        path: /routed/created
                    default: /routed/default
                scopes: ["target"]
                """,
            ["components/bulk-subscription.yaml"] = """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: bulk-routed
                spec:
                  pubsubname: pubsub
                  topic: bulk-routed
                  routes:
                    rules:
                      - match: event.type == "big"
                        path: /bulk/routed/big
                    default: /bulk/routed/default
                  bulkSubscribe:
                    enabled: true
                    maxMessagesCount: 10
                    maxAwaitDurationMs: 300
                scopes: ["target"]
                """,
        });
        Caller = await FakeApp.StartAsync(callerPort);
        Target = await FakeApp.StartAsync(targetPort);
        Target.Handlers["/dapr/subscribe"] = _ => (200, ProgrammaticSubscriptions, "application/json");
        await Files.StartAsync();
        CallerSidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{CallerHttpPort}") };
        TargetSidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{TargetHttpPort}") };
        SecuredSidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{SecuredHttpPort}") };
    }

    public async Task DisposeAsync()
    {
        CallerSidecar.Dispose();
        TargetSidecar.Dispose();
        SecuredSidecar.Dispose();
        await Files.DisposeAsync();
        await Caller.DisposeAsync();
        await Target.DisposeAsync();
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.TryGetProperty("errorCode", out _).Should().BeTrue("Dapr errors carry errorCode");
        body.TryGetProperty("message", out _).Should().BeTrue("Dapr errors carry message");
        return body;
    }
}

[CollectionDefinition("sidecar")]
public sealed class SidecarCollection : ICollectionFixture<SidecarFixture>;
