using System.Xml.Linq;

namespace DaprPlatform.Deployment.Tests;

/// <summary>Images line up with the manifests: each app's project names the app id the image is named after.</summary>
public sealed class ImageTests
{
    public static TheoryData<string> AppIds() => new(Repository.Apps.Where(a => a.IsDotnet).Select(a => a.AppId));

    public static TheoryData<string> OtherAppIds() => new(Repository.Apps.Where(a => !a.IsDotnet).Select(a => a.AppId));

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_app_project_sets_its_app_id_for_the_container_image(string appId)
    {
        var app = Repository.Apps.Single(a => a.AppId == appId);
        var project = Directory.GetFiles(Path.Combine(Repository.Root, app.AppDirPath), "*.csproj").Should().ContainSingle().Subject;

        var daprAppId = XDocument.Load(project).Descendants("DaprAppId").Select(e => e.Value.Trim()).ToList();

        daprAppId.Should().Equal([appId], "Directory.Build.targets names the image daprplatform/$(DaprAppId), and k8s pulls daprplatform/{0}", appId);
    }

    [Theory]
    [MemberData(nameof(OtherAppIds))]
    public void An_app_without_a_project_has_a_Dockerfile_that_publish_images_builds_under_its_app_id(string appId)
    {
        var app = Repository.Apps.Single(a => a.AppId == appId);
        var dockerfile = File.ReadAllText(Repository.PathOf(Path.Combine(app.AppDirPath, "Dockerfile")));
        dockerfile.Should().Contain("USER 1654", "the pods run as uid 1654 (k8s/base/app-defaults.yaml)");
        dockerfile.Should().Contain($"APP_PORT={app.AppPortText}", "the app listens where dapr.yaml's appPort says");

        var script = File.ReadAllText(Repository.PathOf("scripts/publish-images.sh"));
        // Built from the repository's root with its Dockerfile named, so the image can carry contracts/ (ADR 0037).
        script.Should().Contain($"daprplatform/{appId}:$tag").And.Contain($"build -t \"${appId}_image\" -f {app.AppDirPath.TrimStart('.', '/')}/Dockerfile .");
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
