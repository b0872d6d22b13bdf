namespace DaprPlatform.Deployment.Tests;

/// <summary>Resiliency (docs: resiliency-overview, resiliency-schema): every app is a target, and Kubernetes runs the same policies.</summary>
[Collection(KustomizeCollection.Name)]
public sealed class ResiliencyTests(KustomizeRenders renders)
{
    private static JsonObject SelfHostedResiliency() =>
        YamlDocuments.ParseFile(Repository.PathOf("components/resiliency.yaml")).Single(d => d.Kind() == "Resiliency");

    [Fact]
    public void Every_app_of_dapr_yaml_has_an_app_target()
    {
        var apps = SelfHostedResiliency()["spec"]!["targets"]!["apps"]!.AsObject().Select(p => p.Key);

        apps.Should().BeEquivalentTo(Repository.AppIds, "invocation of every app gets the same timeout, retry and breaker");
    }

    [Theory]
    [MemberData(nameof(KustomizeRenders.OverlayCases), MemberType = typeof(KustomizeRenders))]
    public void Kubernetes_runs_the_policies_of_components_resiliency_yaml(string overlay)
    {
        var rendered = renders[overlay].OfKind("Resiliency").Should().ContainSingle().Subject;
        var selfHosted = SelfHostedResiliency();

        rendered.Name().Should().Be(selfHosted.Name());
        JsonNode.DeepEquals(rendered["spec"], selfHosted["spec"]).Should().BeTrue(
            "k8s/base/dapr/resiliency.yaml is a copy of components/resiliency.yaml; copy it again after editing");
    }
}
