namespace DaprPlatform.Deployment.Tests;

/// <summary>
/// Issue 6 §5: both overlays render with kubectl kustomize, and what they render agrees with dapr.yaml — the same app
/// ids, ports and protocols — and carries what a production Deployment needs. Annotation names:
/// docs.dapr.io/reference/arguments-annotations-overview (shared/design/dapr-protocol.md §6).
/// </summary>
[Collection(KustomizeCollection.Name)]
public sealed class OverlayTests(KustomizeRenders renders)
{
    public static TheoryData<string, string> OverlaysAndApps()
    {
        var data = new TheoryData<string, string>();
        foreach (var overlay in KustomizeRenders.Overlays)
        {
            foreach (var app in Repository.Apps)
            {
                data.Add(overlay, app.AppId);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KustomizeRenders.OverlayCases), MemberType = typeof(KustomizeRenders))]
    public void The_render_holds_only_the_apps_of_dapr_yaml_each_once(string overlay)
    {
        // Any Deployment naming an app id counts, injected or not: a dapr.io/app-id without dapr.io/enabled is a mistake too.
        var appIds = renders[overlay].OfKind("Deployment").Select(d => RenderedOverlay.Annotation(d, "dapr.io/app-id")).OfType<string>().ToList();
        renders[overlay].AppDeployments.Should().HaveSameCount(appIds);

        appIds.Should().BeEquivalentTo(Repository.AppIds, "every app of dapr.yaml runs on Kubernetes, and nothing else has a sidecar");
    }

    [Theory]
    [MemberData(nameof(KustomizeRenders.OverlayCases), MemberType = typeof(KustomizeRenders))]
    public void Every_resource_lands_in_the_platform_namespace(string overlay)
    {
        // A sidecar loads only components of its own namespace (component-scopes doc).
        var outside = renders[overlay].Documents
            .Where(d => d.Kind() is not ("Namespace" or "ClusterRole" or "ClusterRoleBinding"))
            .Where(d => d["metadata"]?["namespace"].Text() != "daprplatform")
            .Select(d => $"{d.Kind()}/{d.Name()}");

        outside.Should().BeEmpty();
        renders[overlay].OfKind("Namespace").Select(d => d.Name()).Should().Equal("daprplatform");
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void The_Deployment_carries_the_Dapr_annotations_of_its_app(string overlay, string appId)
    {
        var app = Repository.Apps.Single(a => a.AppId == appId);
        var render = renders[overlay];
        var deployment = DeploymentOf(render, appId);
        string? A(string name) => RenderedOverlay.Annotation(deployment, name);

        A("dapr.io/enabled").Should().Be("true");
        A("dapr.io/app-port").Should().Be(app.AppPortText, "dapr.yaml gives appPort {0}", app.AppPort);
        A("dapr.io/app-protocol").Should().Be(app.AppProtocol);
        A("dapr.io/enable-api-logging").Should().BeOneOf("true", "false");

        // daprd probes the app on Kubernetes exactly when dapr run -f (and DevHost) does with dapr.yaml.
        (A("dapr.io/enable-app-health-check") == "true").Should().Be(app.EnableAppHealthCheck, "dapr.yaml's enableAppHealthCheck is {0}", app.EnableAppHealthCheck);
        if (app.EnableAppHealthCheck) { (A("dapr.io/app-health-check-path") ?? "/healthz").Should().Be(app.AppHealthCheckPath); }
        A("dapr.io/log-as-json").Should().Be("true");
        foreach (var sidecarResource in new[] { "cpu-request", "cpu-limit", "memory-request", "memory-limit" })
        {
            A($"dapr.io/sidecar-{sidecarResource}").Should().NotBeNullOrEmpty($"the sidecar's {sidecarResource} is set");
        }

        var config = A("dapr.io/config");
        render.OfKind("Configuration").Select(c => c.Name()).Should().Contain(config, "dapr.io/config names a Configuration of the namespace");
        foreach (var tokenAnnotation in new[] { "dapr.io/app-token-secret", "dapr.io/api-token-secret" })
        {
            A(tokenAnnotation).Should().NotBeNullOrEmpty();
            if (overlay == "k8s/overlays/dev")
            {
                // The injector reads key "token" of the named Secret (api-token / app-api-token docs).
                SecretKeys(render, A(tokenAnnotation)!).Should().Contain("token", $"{tokenAnnotation} names a Secret with key token");
            }
        }
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void The_app_container_listens_on_the_app_port_and_is_probed_there(string overlay, string appId)
    {
        var app = Repository.Apps.Single(a => a.AppId == appId);
        var container = AppContainer(DeploymentOf(renders[overlay], appId));
        var port = container["ports"].Objects().Should().ContainSingle(p => p["containerPort"].Text() == app.AppPortText).Subject;
        var portName = port["name"].Text();
        // Kestrel reads ASPNETCORE_HTTP_PORTS; the Python app's gunicorn.conf.py reads APP_PORT (ADR 0033).
        var portVariable = app.IsDotnet ? "ASPNETCORE_HTTP_PORTS" : "APP_PORT";
        container["env"].Objects().Should().Contain(e => e["name"].Text() == portVariable && e["value"].Text() == app.AppPortText,
            "the app must listen where Dapr and the probes call");

        foreach (var (probe, path) in new[] { ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz") })
        {
            var httpGet = container[probe]?["httpGet"];
            httpGet.Should().NotBeNull($"{probe} is an HTTP probe");
            httpGet!["path"].Text().Should().Be(path);
            httpGet["port"].Text().Should().BeOneOf(app.AppPortText, portName);
        }
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void The_app_container_is_sized_non_root_and_read_only(string overlay, string appId)
    {
        var deployment = DeploymentOf(renders[overlay], appId);
        var container = AppContainer(deployment);
        var pod = deployment["spec"]!["template"]!["spec"]!;

        foreach (var bound in new[] { "requests", "limits" })
        {
            container["resources"]?[bound]?["cpu"].Text().Should().NotBeNullOrEmpty($"resources.{bound}.cpu is set");
            container["resources"]?[bound]?["memory"].Text().Should().NotBeNullOrEmpty($"resources.{bound}.memory is set");
        }

        var runAsNonRoot = container["securityContext"]?["runAsNonRoot"].Text() ?? pod["securityContext"]?["runAsNonRoot"].Text();
        runAsNonRoot.Should().Be("true");
        container["securityContext"]?["readOnlyRootFilesystem"].Text().Should().Be("true");
        container["securityContext"]?["allowPrivilegeEscalation"].Text().Should().Be("false");
        container["image"].Text().Should().MatchRegex($"(^|/)daprplatform/{appId}(:[^/]+)?$", "images are named daprplatform/<app id> (Directory.Build.targets)");
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void A_Service_a_disruption_budget_and_an_autoscaler_cover_the_app(string overlay, string appId)
    {
        var app = Repository.Apps.Single(a => a.AppId == appId);
        var render = renders[overlay];
        var deployment = DeploymentOf(render, appId);
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var portName = AppContainer(deployment)["ports"].Objects().First()["name"].Text();

        var service = render.OfKind("Service").Where(s => Selects(s["spec"]?["selector"], podLabels)).Should().ContainSingle("one Service reaches the app's pods").Subject;
        service["spec"]!["ports"].Objects().Select(p => p["targetPort"].Text())
            .Should().Contain(t => t == app.AppPortText || t == portName, "the Service forwards to the app port");

        render.OfKind("PodDisruptionBudget").Any(p => Selects(p["spec"]?["selector"]?["matchLabels"], podLabels))
            .Should().BeTrue("a PodDisruptionBudget keeps voluntary disruptions from taking the app down");

        var hpas = render.OfKind("HorizontalPodAutoscaler").Where(h => h["spec"]?["scaleTargetRef"]?["name"].Text() == deployment.Name()).ToList();
        var scaledObjects = render.OfKind("ScaledObject").Where(s => s["spec"]?["scaleTargetRef"]?["name"].Text() == deployment.Name()).ToList();
        if (overlay == "k8s/overlays/prod-keda" && appId == "analytics")
        {
            hpas.Should().BeEmpty("KEDA owns the HPA of a ScaledObject's target; a second autoscaler would fight it");
            var scaledObject = scaledObjects.Should().ContainSingle().Subject;
            scaledObject["apiVersion"].Text().Should().Be("keda.sh/v1alpha1");
            scaledObject["spec"]!["triggers"].Objects().Any(t => t["type"].Text() == "kafka" && t["metadata"]!["topic"].Text() == "channel.metrics"
                && t["metadata"]!["consumerGroup"].Text() == appId).Should().BeTrue("it scales on the lag of analytics' own consumer group");
        }
        else
        {
            scaledObjects.Should().BeEmpty();
            var hpa = hpas.Should().ContainSingle().Subject;
            hpa["apiVersion"].Text().Should().Be("autoscaling/v2");
            hpa["spec"]!["metrics"].Objects().Any(m => m["resource"]?["name"].Text() == "cpu").Should().BeTrue("the HPA scales on CPU");
        }
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void The_app_and_its_sidecar_send_telemetry_to_the_same_collector(string overlay, string appId)
    {
        // daprd's spans (Configuration tracing.otel) and the app's (OTEL_EXPORTER_OTLP_ENDPOINT) join into one trace
        // only in a collector that receives both.
        var render = renders[overlay];
        var deployment = DeploymentOf(render, appId);
        var configuration = render.OfKind("Configuration").Single(c => c.Name() == RenderedOverlay.Annotation(deployment, "dapr.io/config"));
        var sidecarEndpoint = configuration["spec"]!["tracing"]!["otel"]!["endpointAddress"].Text();
        var appEndpoint = AppContainer(deployment)["env"].Objects().Single(e => e["name"].Text() == "OTEL_EXPORTER_OTLP_ENDPOINT")["value"].Text();

        new Uri(appEndpoint!).Authority.Should().Be(sidecarEndpoint);
        configuration["spec"]!["tracing"]!["otel"]!["protocol"].Text().Should().Be("http", "the app exports http/protobuf, to the same port");
    }

    [Fact]
    public void The_dev_overlay_brings_the_collector_it_points_at()
    {
        var render = renders["k8s/overlays/dev"];
        var endpoint = new Uri(AppContainer(DeploymentOf(render, "gateway"))["env"].Objects().Single(e => e["name"].Text() == "OTEL_EXPORTER_OTLP_ENDPOINT")["value"].Text()!);
        var serviceName = endpoint.Host.Split('.')[0];

        var service = render.OfKind("Service").Should().ContainSingle(s => s.Name() == serviceName).Subject;
        service["spec"]!["ports"].Objects().Select(p => p["port"].Text()).Should().Contain(endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        endpoint.Host.Should().Be($"{serviceName}.daprplatform.svc.cluster.local");
    }

    [Fact]
    public void Prod_runs_more_replicas_than_dev()
    {
        static int MinReplicas(RenderedOverlay render) =>
            render.OfKind("HorizontalPodAutoscaler").Min(h => int.Parse(h["spec"]!["minReplicas"].Text()!, System.Globalization.CultureInfo.InvariantCulture));

        MinReplicas(renders["k8s/overlays/prod"]).Should().BeGreaterThanOrEqualTo(2, "one pod per app cannot survive a node drain");
        MinReplicas(renders["k8s/overlays/dev"]).Should().Be(1);
    }

    private static JsonObject DeploymentOf(RenderedOverlay render, string appId) =>
        render.AppDeployments.Should().ContainSingle(d => RenderedOverlay.Annotation(d, "dapr.io/app-id") == appId, $"{render.Overlay} has one Deployment for {appId}").Subject;

    private static JsonObject AppContainer(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"].Objects().Should().ContainSingle(c => c["name"].Text() == "app").Subject;

    private static bool Selects(JsonNode? selector, JsonObject labels) =>
        selector is JsonObject s && s.Count > 0 && s.All(p => labels[p.Key].Text() == p.Value.Text());

    internal static IEnumerable<string> SecretKeys(RenderedOverlay render, string secretName) =>
        render.OfKind("Secret").Where(s => s.Name() == secretName)
            .SelectMany(s => (s["data"] as JsonObject ?? new JsonObject()).Select(p => p.Key).Concat((s["stringData"] as JsonObject ?? new JsonObject()).Select(p => p.Key)));
}

/// <summary>mTLS is the control plane's setting (Configuration `daprsystem` in dapr-system; dapr-protocol.md §5, mTLS docs).</summary>
public sealed class ControlPlaneTests
{
    [Fact]
    public void The_control_plane_Configuration_keeps_mTLS_on()
    {
        var configuration = YamlDocuments.Parse(KustomizeRenders.Render("k8s/dapr-system")).Should().ContainSingle().Subject;

        configuration.Kind().Should().Be("Configuration");
        configuration.Name().Should().Be("daprsystem");
        configuration["metadata"]!["namespace"].Text().Should().Be("dapr-system", "the control plane reads it from its own namespace");
        configuration["spec"]!["mtls"]!["enabled"].Text().Should().Be("true");
        DaprResourceSchema.Check(configuration).Should().BeEmpty();
    }
}
