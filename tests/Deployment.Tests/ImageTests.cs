using System.Xml.Linq;

namespace DaprPlatform.Deployment.Tests;

/// <summary>Images line up with the manifests: each app's project names the app id the image is named after.</summary>
public sealed class ImageTests
{
    public static TheoryData<string> AppIds() => new(Repository.Apps.Select(a => a.AppId));

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_app_project_sets_its_app_id_for_the_container_image(string appId)
    {
        var app = Repository.Apps.Single(a => a.AppId == appId);
        var project = Directory.GetFiles(Path.Combine(Repository.Root, app.AppDirPath), "*.csproj").Should().ContainSingle().Subject;

        var daprAppId = XDocument.Load(project).Descendants("DaprAppId").Select(e => e.Value.Trim()).ToList();

        daprAppId.Should().Equal([appId], "Directory.Build.targets names the image daprplatform/$(DaprAppId), and k8s pulls daprplatform/{0}", appId);
    }

    [Fact]
    public void Container_settings_apply_to_every_project_with_an_app_id()
    {
        var targets = XDocument.Load(Repository.PathOf("Directory.Build.targets"));
        var properties = targets.Descendants("PropertyGroup")
            .Where(g => (string?)g.Attribute("Condition") == "'$(DaprAppId)' != ''")
            .SelectMany(g => g.Elements())
            .ToDictionary(e => e.Name.LocalName, e => e.Value);

        properties.Should().ContainKey("ContainerRepository").WhoseValue.Should().Be("daprplatform/$(DaprAppId)");
        properties.Should().ContainKey("ContainerUser").WhoseValue.Should().Be("1654", "the pods run as uid 1654 (k8s/base/app-defaults.yaml)");
        properties.Should().ContainKey("ContainerFamily").WhoseValue.Should().Contain("chiseled");
    }
}
