namespace DaprPlatform.Deployment.Tests;

/// <summary>Issue 6 §5: every file under components/ and k8s/ parses; its Dapr resources follow the Dapr schemas.</summary>
public sealed class SchemaTests
{
    public static TheoryData<string> YamlFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Repository.YamlFiles("components").Concat(Repository.YamlFiles("k8s")))
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Every_file_parses_and_its_Dapr_resources_follow_the_schema(string file)
    {
        var documents = YamlDocuments.ParseFile(Repository.PathOf(file));

        documents.Should().NotBeEmpty("an empty manifest is a mistake");
        var errors = documents.Where(DaprResourceSchema.IsDaprResource).SelectMany(DaprResourceSchema.Check).ToList();
        errors.Should().BeEmpty();
    }

    [Fact]
    public void The_repository_has_the_files_the_checks_are_about()
    {
        // Guards the discovery above: an empty file list would make every theory vacuous.
        Repository.YamlFiles("components").Should().Contain(["components/pubsub.yaml", "components/statestore.yaml", "components/resiliency.yaml"]);
        Repository.YamlFiles("k8s").Should().Contain(["k8s/base/kustomization.yaml", "k8s/overlays/dev/kustomization.yaml", "k8s/overlays/prod/kustomization.yaml"]);
        Repository.Apps.Select(a => a.AppId).Should().Contain(["gateway", "workflows"]);
    }

    /// <summary>Each broken document must be caught with the message that says what is wrong.</summary>
    public static TheoryData<string, string> BrokenDocuments() => new()
    {
        // component-schema: spec.metadata is required even when empty.
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: pubsub}\nspec: {type: pubsub.in-memory, version: v1}", "spec.metadata is required" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: pubsub}\nspec: {type: pubsub, version: v1, metadata: []}", "is not <building block>.<implementation>" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: pubsub}\nspec: {type: pubsub.in-memory, metadata: []}", "spec.version must be v1 or v2" },
        { "apiVersion: dapr.io/v1\nkind: Component\nmetadata: {name: pubsub}\nspec: {type: pubsub.in-memory, version: v1, metadata: []}", "apiVersion must be dapr.io/v1alpha1" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {}\nspec: {type: pubsub.in-memory, version: v1, metadata: []}", "metadata.name is required" },
        // setup-apache-kafka: brokers and authType are required.
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: pubsub}\nspec:\n  type: pubsub.kafka\n  version: v1\n  metadata:\n    - {name: brokers, value: 'k:9092'}", "'authType' is required" },
        // setup-postgresql: connectionString is required.
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: statestore}\nspec: {type: state.postgresql, version: v1, metadata: [{name: tableName, value: state}]}", "'connectionString' is required" },
        // component-secrets: a metadata item is a value or a secretKeyRef{name,key}, not both, not neither.
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec: {type: state.redis, version: v1, metadata: [{name: redisHost, value: a, secretKeyRef: {name: r, key: h}}]}", "exactly one of value and secretKeyRef" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec: {type: state.redis, version: v1, metadata: [{name: redisHost, secretKeyRef: {name: r}}]}", "secretKeyRef needs name and key" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: b}\nspec: {type: bindings.cron, version: v1, metadata: []}", "is not one this platform knows" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: pubsub}\nspec: {type: pubsub.in-memory, version: v1, metadata: []}\nscopes: gateway", "scopes must be a list" },
        // configuration-schema
        { "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec: {tracing: {samplingRate: '2'}}", "samplingRate must be a number from 0 to 1" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec: {tracing: {otel: {endpointAddress: 'x:4318', protocol: udp}}}", "otel.protocol must be http or grpc" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: daprplatform}\nspec: {mtls: {enabled: true}}", "belongs only in the control plane's Configuration 'daprsystem'" },
        // resiliency-schema: targets sit under spec (the docs sample indents them wrongly).
        { "apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata: {name: r}\nspec: {policies: {timeouts: {t: 5s}}}\ntargets: {apps: {gateway: {timeout: t}}}", "targets belong under spec" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata: {name: r}\nspec: {policies: {timeouts: {t: 5s}}, targets: {apps: {gateway: {timeout: missing}}}}", "names 'missing', which is not in policies.timeouts" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata: {name: r}\nspec: {policies: {retries: {r: {policy: linear}}}, targets: {}}", "must be constant or exponential" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata: {name: r}\nspec: {policies: {circuitBreakers: {}}, targets: {components: {pubsub: {inbound: {circuitBreaker: cb}}}}}", "targets.components.pubsub.inbound.circuitBreaker names 'cb'" },
        // subscription-schema v2alpha1
        { "apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata: {name: s}\nspec: {pubsubname: pubsub, topic: t}", "spec.routes is required" },
        { "apiVersion: dapr.io/v1alpha1\nkind: Widget\nmetadata: {name: w}\nspec: {}", "unknown Dapr kind 'Widget'" },
    };

    [Theory]
    [MemberData(nameof(BrokenDocuments))]
    public void The_schema_check_names_what_is_wrong(string yaml, string expected)
    {
        var document = YamlDocuments.Parse(yaml).Single();

        DaprResourceSchema.Check(document).Should().Contain(e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_component_passes()
    {
        const string yaml = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: statestore}\n"
            + "spec: {type: state.postgresql, version: v1, metadata: [{name: connectionString, secretKeyRef: {name: c, key: k}}]}\nscopes: [analytics]";

        DaprResourceSchema.Check(YamlDocuments.Parse(yaml).Single()).Should().BeEmpty();
    }
}
