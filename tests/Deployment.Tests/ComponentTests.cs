namespace DaprPlatform.Deployment.Tests;

/// <summary>
/// Issue 6 §5 consistency: every component name the code uses exists, exactly once, for every app in every run mode
/// (a sidecar refuses two components of one name); scopes name real app ids (component-scopes doc).
/// </summary>
[Collection(KustomizeCollection.Name)]
public sealed class ComponentTests(KustomizeRenders renders)
{
    private static readonly string[] SecretMetadata = ["connectionString", "redisPassword", "password", "saslPassword", "saslUsername"];

    public static TheoryData<string> RunModes()
    {
        var data = new TheoryData<string>();
        foreach (var mode in RunMode.SelfHosted())
        {
            data.Add(mode.Name);
        }

        foreach (var overlay in KustomizeRenders.Overlays)
        {
            data.Add(overlay);
        }

        return data;
    }

    [Fact]
    public void The_code_scan_finds_the_components_each_app_uses()
    {
        // Pins the scan itself: if it stopped matching, every check below would pass for the wrong reason.
        var byComponent = ComponentUsage.ByComponent();

        // ml (Python) is found by the same literals: it subscribes to channel.removed and keeps forecasts in the state store (ADR 0037).
        byComponent[ComponentUsage.PubSub].Should().BeEquivalentTo(["identity", "channels", "analytics", "payments", "booking", "notifications", "workflows", "messaging", "reviews", "tutoring", "reports", "ml"]);
        byComponent[ComponentUsage.StateStore].Should().BeEquivalentTo(["analytics", "workflows", "web", "reports", "ml"]);
        byComponent[ComponentUsage.SecretStore].Should().BeEquivalentTo(Repository.AppIds.Except(["ml"]), "ml (Python) reads no secrets");
        byComponent[ComponentUsage.MessagingLive].Should().BeEquivalentTo(["messaging"]);
    }

    [Theory]
    [MemberData(nameof(RunModes))]
    public void Every_app_sees_each_component_it_uses_exactly_once(string modeName)
    {
        var mode = Mode(modeName);
        var problems = new List<string>();
        foreach (var app in Repository.Apps)
        {
            foreach (var name in ComponentUsage.Of(app))
            {
                var visible = mode.VisibleTo(app.AppId).Count(c => c.Name() == name);
                if (visible != 1)
                {
                    problems.Add($"{app.AppId} sees {visible} components named '{name}'");
                }
            }
        }

        problems.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(RunModes))]
    public void Scopes_name_only_app_ids_of_dapr_yaml(string modeName)
    {
        var unknown = Mode(modeName).Components
            .SelectMany(c => c["scopes"].Strings().Select(s => (Component: c.Name(), Scope: s)))
            .Where(x => !Repository.AppIds.Contains(x.Scope))
            .Select(x => $"{x.Component}: {x.Scope}");

        unknown.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(RunModes))]
    public void One_state_store_per_app_holds_actor_state(string modeName)
    {
        // Only one store may have actorStateStore "true" (state management docs); actors and workflows need one.
        var mode = Mode(modeName);
        foreach (var app in Repository.Apps.Where(a => ComponentUsage.Of(a).Contains(ComponentUsage.StateStore)))
        {
            mode.VisibleTo(app.AppId)
                .Where(c => c["spec"]?["metadata"].Objects().Any(m => m["name"].Text() == "actorStateStore" && m["value"].Text() == "true") == true)
                .Select(c => c.Name())
                .Should().Equal([ComponentUsage.StateStore], $"{app.AppId} keeps actor/workflow state in statestore");
        }
    }

    public static TheoryData<string, string> OverlaysAndComponents()
    {
        var data = new TheoryData<string, string>();
        foreach (var overlay in KustomizeRenders.Overlays)
        {
            foreach (var name in ComponentUsage.Names)
            {
                data.Add(overlay, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OverlaysAndComponents))]
    public void On_Kubernetes_scopes_list_exactly_the_apps_that_use_the_component(string overlay, string name)
    {
        var component = renders[overlay].OfKind("Component").Should().ContainSingle(c => c.Name() == name).Subject;

        component["scopes"].Strings().Should().BeEquivalentTo(ComponentUsage.ByComponent()[name], "an app that does not use {0} should not load it", name);
    }

    public static TheoryData<string> KubernetesChoices()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.GetDirectories(Repository.PathOf("k8s/dapr-components")).SelectMany(Directory.GetDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Repository.Relative(folder));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KubernetesChoices))]
    public void Every_Kubernetes_choice_is_a_drop_in_under_the_same_name(string folder)
    {
        // k8s/dapr-components/<name>/<implementation>/: an overlay swaps one for another by a resources line, so each
        // must render alone, carry the component name the code uses, and scope exactly that component's users.
        var expectedName = Path.GetFileName(Path.GetDirectoryName(folder))!;
        var component = YamlDocuments.Parse(KustomizeRenders.Render(folder)).Should().ContainSingle().Subject;

        component.Kind().Should().Be("Component");
        component.Name().Should().Be(expectedName);
        component["scopes"].Strings().Should().BeEquivalentTo(ComponentUsage.ByComponent()[expectedName]);
        component["spec"]!["metadata"].Objects().Where(m => SecretMetadata.Contains(m["name"].Text()) && m["secretKeyRef"] is null)
            .Should().BeEmpty("secrets reach components by secretKeyRef");
    }

    [Theory]
    [MemberData(nameof(KustomizeRenders.OverlayCases), MemberType = typeof(KustomizeRenders))]
    public void On_Kubernetes_secrets_reach_components_by_secretKeyRef(string overlay)
    {
        var literal = renders[overlay].OfKind("Component")
            .SelectMany(c => c["spec"]!["metadata"].Objects().Select(m => (Component: c.Name(), Item: m)))
            .Where(x => SecretMetadata.Contains(x.Item["name"].Text()) && x.Item["secretKeyRef"] is null)
            .Select(x => $"{x.Component}: {x.Item["name"].Text()}");

        literal.Should().BeEmpty();
        renders[overlay].OfKind("Component").Single(c => c.Name() == ComponentUsage.SecretStore)["spec"]!["type"].Text()
            .Should().Be("secretstores.kubernetes");
    }

    [Fact]
    public void The_dev_overlay_has_every_secret_its_components_and_apps_read()
    {
        var render = renders["k8s/overlays/dev"];
        var missing = render.OfKind("Component")
            .SelectMany(c => c["spec"]!["metadata"].Objects().Select(m => m["secretKeyRef"]).OfType<JsonObject>())
            .Select(r => (Secret: r["name"].Text()!, Key: r["key"].Text()!))
            .Where(r => !OverlayTests.SecretKeys(render, r.Secret).Contains(r.Key))
            .Select(r => $"{r.Secret}/{r.Key}");
        missing.Should().BeEmpty("a component whose secretKeyRef does not resolve fails to initialise");

        // The apps read "connectionStrings:<app>" through the secret store; dev must have every key `dapr run` has.
        var selfHosted = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Repository.PathOf("components/secrets.dev.json")));
        var expected = selfHosted.RootElement.GetProperty("connectionStrings").EnumerateObject().Select(p => p.Name);
        OverlayTests.SecretKeys(render, "connectionstrings").Should().BeEquivalentTo(expected);
        OverlayTests.SecretKeys(render, "jwt").Should().BeEquivalentTo(["signingKey", "keyId"]);
        OverlayTests.SecretKeys(render, "identity").Should().BeEquivalentTo(["admins"]);
    }

    [Fact]
    public void No_service_code_or_setting_names_a_broker_or_a_store_technology()
    {
        // The promise of the swap: changing the broker is an edit to a component file, never to an app.
        var technologies = new System.Text.RegularExpressions.Regex(@"redis|rabbitmq|amqp|kafka|mongodb|cosmos", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var offending = Repository.Apps
            .Concat([new RunFileApp("shared", "services/Shared", 0, "http")])
            .SelectMany(a => Directory.EnumerateFiles(Repository.PathOf(a.AppDirPath), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(f => technologies.IsMatch(File.ReadAllText(f)))
            .Select(Repository.Relative);

        offending.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(KustomizeRenders.OverlayCases), MemberType = typeof(KustomizeRenders))]
    public void On_Kubernetes_the_apps_may_read_exactly_the_secrets_they_read_under_dapr_run(string overlay)
    {
        // The apps' own secrets are the top-level names of secrets.dev.json with a key that no component references
        // (redis, rabbitmq, kafka exist for components only; connectionStrings also feeds statestore). The
        // secrets.scopes allowlist (secret-scope doc) must match them, or an app would start without, say, its
        // connection string — or could read a broker password it has no use for.
        var componentKeys = RunMode.SelfHosted().SelectMany(m => m.Components)
            .SelectMany(c => c["spec"]!["metadata"].Objects().Select(m => m["secretKeyRef"]?["name"].Text()).OfType<string>())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var selfHosted = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Repository.PathOf("components/secrets.dev.json")));
        var appSecrets = selfHosted.RootElement.EnumerateObject()
            .Where(secret => secret.Value.EnumerateObject().Any(key => !componentKeys.Contains($"{secret.Name}:{key.Name}")))
            .Select(secret => secret.Name.ToLowerInvariant());

        var configuration = renders[overlay].OfKind("Configuration").Single(c => c.Name() == "daprplatform");
        var scope = configuration["spec"]!["secrets"]!["scopes"].Objects().Single(s => s["storeName"].Text() == ComponentUsage.SecretStore);

        scope["allowedSecrets"].Strings().Should().BeEquivalentTo(appSecrets);
    }

    private RunMode Mode(string name) =>
        name.StartsWith("k8s/", StringComparison.Ordinal) ? RunMode.Of(renders[name]) : RunMode.SelfHosted().Single(m => m.Name == name);
}
