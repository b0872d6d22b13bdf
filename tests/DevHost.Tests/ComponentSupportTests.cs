using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// The mapping from a component's type to how DevHost serves it, without starting anything. Rule checked throughout:
/// "the Dapr sidecar fails to start if a component fails to initialize" unless spec.ignoreErrors is true
/// (docs.dapr.io component-schema), so whatever DevHost cannot serve must be refused, never accepted silently.
/// </summary>
public sealed class ComponentSupportTests : IDisposable
{
    private readonly TemporaryRunFile _folder = TemporaryRunFile.Create("devhost-support-");

    public void Dispose() => _folder.Dispose();

    private static ComponentDefinition Component(string type, string version = "v1", string name = "c", IReadOnlyList<string>? scopes = null, bool ignoreErrors = false) =>
        new(name, type, version, [], null, scopes ?? [], "/repo/components/c.yaml", ignoreErrors);

    // type, version, expected server (null = refused), words the description or reason must contain
    public static TheoryData<string, string, ComponentServer?, string[]> Types => new()
    {
        { "state.postgresql", "v1", ComponentServer.PostgresStateStore, ["Postgres state store", "v1 table layout"] },
        { "state.postgresql", "v2", ComponentServer.PostgresStateStore, ["DevHost's own database", "connectionString is not used", "v2"] },
        { "state.postgresql", "v3", null, ["v1 and v2"] },
        { "state.redis", "v1", ComponentServer.PostgresStateStore, ["Postgres state store", "Redis settings are not used"] },
        { "state.mongodb", "v1", ComponentServer.PostgresStateStore, ["Postgres state store", "MongoDB settings are not used"] },
        { "pubsub.redis", "v1", ComponentServer.DurableBroker, ["durable broker in Postgres", "Redis settings are not used"] },
        { "pubsub.rabbitmq", "v1", ComponentServer.DurableBroker, ["durable broker in Postgres", "RabbitMQ settings are not used"] },
        { "pubsub.kafka", "v1", ComponentServer.DurableBroker, ["durable broker in Postgres", "Kafka settings are not used"] },
        { "pubsub.in-memory", "v1", ComponentServer.DurableBroker, ["durable broker in Postgres", "unlike pubsub.in-memory"] },
        { "secretstores.local.file", "v1", ComponentServer.LocalFileSecretStore, ["JSON file"] },
        { "secretstores.local.env", "v1", ComponentServer.LocalEnvSecretStore, ["environment variables"] },
        { "secretstores.kubernetes", "v1", null, ["secretstores.local.file", "secretstores.kubernetes"] },
        { "secretstores.azure.keyvault", "v1", null, ["secretstores.local.file", "secretstores.azure.keyvault"] },
        { "bindings.cron", "v1", null, ["bindings"] },
        { "bindings.http", "v1", null, ["bindings", "ERR_INVOKE_OUTPUT_BINDING"] },
        { "configuration.redis", "v1", null, ["configuration API"] },
        { "lock.redis", "v1", null, ["distributed lock"] },
        { "crypto.dapr.localstorage", "v1", null, ["cryptography"] },
        { "conversation.openai", "v1", null, ["conversation API"] },
        { "middleware.http.ratelimit", "v1", null, ["middleware"] },
        { "nameresolution.mdns", "v1", null, ["name resolution"] },
        { "acme.widget", "v1", null, ["not a building block DevHost implements", "acme.widget"] },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void Each_type_is_served_by_a_named_part_of_DevHost_or_refused_with_a_reason(string type, string version, ComponentServer? server, string[] mentions)
    {
        var decision = ComponentSupport.Decide(Component(type, version));

        if (server is { } expected)
        {
            var served = decision.Should().BeOfType<ServedComponent>().Subject;
            served.Server.Should().Be(expected);
            foreach (var word in mentions) { served.Description.Should().Contain(word); }
            served.UsesComponentConnectionString.Should().Be(type == "state.postgresql" && version == "v1", "only the v1 layout is DevHost's own");
        }
        else
        {
            var refused = decision.Should().BeOfType<RefusedComponent>().Subject;
            foreach (var word in mentions) { refused.Reason.Should().Contain(word); }
        }
    }

    [Fact]
    public void The_line_names_kind_name_type_version_file_and_scopes()
    {
        var served = (ServedComponent)ComponentSupport.Decide(Component("pubsub.redis", name: "pubsub", scopes: ["identity", "booking"]));

        var line = ComponentSupport.ServedLine(served, "/repo", "Postgres database devhost");

        line.Should().Be("pubsub 'pubsub' (pubsub.redis v1, components/c.yaml, scopes: identity, booking): "
            + "served by DevHost's own durable broker in Postgres; the Redis settings are not used (only redeliverInterval is read); Postgres database devhost");
    }

    [Fact]
    public void Refusals_without_ignoreErrors_are_fatal_and_the_message_names_file_component_reason_and_the_way_out()
    {
        // component-schema: spec.ignoreErrors (default false) lets the sidecar continue when the component fails to load.
        var decisions = ComponentSupport.DecideAll(
            [Component("state.redis", name: "statestore"), Component("bindings.cron", name: "cron"), Component("lock.redis", name: "lock", ignoreErrors: true)],
            out var fatal);

        decisions.Should().HaveCount(3);
        fatal.Select(f => f.Component.Name).Should().Equal("cron");
        var message = ComponentSupport.FatalMessage(fatal.Select(f => ("identity", f)));
        message.Should().Contain("/repo/components/c.yaml").And.Contain("component 'cron'").And.Contain("bindings.cron v1")
            .And.Contain("app(s) identity").And.Contain("bindings").And.Contain("spec.ignoreErrors: true");
        ComponentSupport.IgnoredLine((RefusedComponent)decisions[2], "/repo").Should()
            .StartWith("lock store 'lock' (lock.redis v1, components/c.yaml): not served: ").And.Contain("ignoreErrors is true");
    }

    [Fact]
    public void ignoreErrors_is_read_from_the_component_spec_and_defaults_to_false()
    {
        // component-schema: spec.ignoreErrors is optional, default false.
        _folder.WithComponent("a.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  type: bindings.cron\n  version: v1\n  ignoreErrors: true\n  metadata: []\n")
            .WithComponent("b.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: b\nspec:\n  type: bindings.cron\n  version: v1\n  metadata: []\n");

        var set = ResourceLoader.Load("me", [Path.Combine(_folder.Directory, TemporaryRunFile.ComponentsFolder)], null);

        set.Components.Single(c => c.Name == "a").IgnoreErrors.Should().BeTrue();
        set.Components.Single(c => c.Name == "b").IgnoreErrors.Should().BeFalse();
    }

    [Fact]
    public void Every_component_of_the_repository_and_its_alternatives_is_served()
    {
        var components = Path.Combine(RepositoryRoot.Path, "components");
        var files = Directory.EnumerateFiles(components, "*.yaml").Concat(Directory.EnumerateFiles(Path.Combine(components, "alternatives"), "*.yaml")).ToList();
        files.Should().Contain(f => f.EndsWith("statestore.redis.yaml", StringComparison.Ordinal)).And.Contain(f => f.EndsWith("pubsub.kafka.yaml", StringComparison.Ordinal));

        // Each alternative reuses the name it replaces, so every file is loaded on its own.
        foreach (var file in files)
        {
            using var one = TemporaryRunFile.Create("devhost-repo-component-").WithComponent(Path.GetFileName(file), File.ReadAllText(file));
            var loaded = ResourceLoader.Load("workflows", [Path.Combine(one.Directory, TemporaryRunFile.ComponentsFolder)], null).Components;
            foreach (var c in loaded)
            {
                ComponentSupport.Decide(c).Should().BeOfType<ServedComponent>($"{Path.GetFileName(file)} ({c.Type}) must stay servable");
            }
        }
    }

    [Fact]
    public void The_repository_configuration_and_resiliency_report_what_is_applied_and_what_is_not()
    {
        var dir = Path.Combine(RepositoryRoot.Path, "components");
        var set = ResourceLoader.Load("identity", [dir], Path.Combine(dir, "config.yaml"));

        var entries = ResourceReport.Describe(set, RepositoryRoot.Path);

        // config.yaml sets tracing with an OTLP exporter, which DevHost does not export to.
        var configuration = entries.Single(e => e.Text.StartsWith("Configuration 'daprplatform' (components/config.yaml)", StringComparison.Ordinal));
        configuration.IsWarning.Should().BeFalse();
        configuration.Text.Should().Contain("not applied: tracing").And.Contain("localhost:4318").And.Contain("exports no spans");
        var resiliency = entries.Single(e => e.Text.StartsWith("Resiliency 'daprplatform-resiliency' (components/resiliency.yaml)", StringComparison.Ordinal));
        resiliency.Text.Should().Contain("targets.apps [").And.Contain("identity").And.Contain("service invocation")
            .And.Contain("targets.components [pubsub] inbound to pub/sub delivery")
            .And.Contain("not applied: targets.components [pubsub] outbound");
    }

    [Fact]
    public void Pipelines_other_configuration_settings_subscriptions_to_unknown_pubsubs_and_http_endpoints_are_reported()
    {
        _folder.WithFile("config.yaml", """
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: cfg
                spec:
                  features:
                    - name: ActorStateTTL
                      enabled: true
                  mtls:
                    enabled: true
                  httpPipeline:
                    handlers:
                      - name: ratelimit
                        type: middleware.http.ratelimit
                """)
            .WithComponent("pubsub.yaml", ComponentYaml.RedisPubSub())
            .WithComponent("subs.yaml", """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: orders
                spec:
                  pubsubname: pubsub
                  topic: orders
                  routes:
                    default: /orders
                  deadLetterTopic: orders-dead
                ---
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: elsewhere
                spec:
                  pubsubname: otherbus
                  topic: t
                  routes:
                    default: /t
                """)
            .WithComponent("endpoint.yaml", """
                apiVersion: dapr.io/v1alpha1
                kind: HTTPEndpoint
                metadata:
                  name: github
                spec:
                  baseUrl: https://api.github.com
                """);

        var set = ResourceLoader.Load("me", [Path.Combine(_folder.Directory, TemporaryRunFile.ComponentsFolder)], Path.Combine(_folder.Directory, "config.yaml"));
        var entries = ResourceReport.Describe(set, _folder.Directory);

        entries.Should().Contain(e => !e.IsWarning && e.Text.StartsWith("Configuration 'cfg' (config.yaml): applied: features [ActorStateTTL]", StringComparison.Ordinal)
            && e.Text.Contains("mtls", StringComparison.Ordinal));
        entries.Should().Contain(e => e.IsWarning && e.Text.Contains("httpPipeline handler 'ratelimit' (middleware.http.ratelimit) is skipped", StringComparison.Ordinal));
        entries.Should().Contain(e => !e.IsWarning && e.Text.StartsWith("Subscription 'orders' (components/subs.yaml): pubsub/orders → /orders", StringComparison.Ordinal)
            && e.Text.Contains("dead letters to orders-dead", StringComparison.Ordinal));
        entries.Should().Contain(e => e.IsWarning && e.Text.Contains("otherbus/t is not delivered", StringComparison.Ordinal));
        entries.Should().Contain(e => e.IsWarning && e.Text.StartsWith("HTTPEndpoint 'github' (components/endpoint.yaml) is not served", StringComparison.Ordinal));
    }
}
