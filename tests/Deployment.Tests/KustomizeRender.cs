using System.Diagnostics;

namespace DaprPlatform.Deployment.Tests;

/// <summary>What `kubectl kustomize` makes of an overlay: the documents `kubectl apply -k` would send.</summary>
public sealed record RenderedOverlay(string Overlay, IReadOnlyList<JsonObject> Documents)
{
    public IEnumerable<JsonObject> OfKind(string kind) => Documents.Where(d => d.Kind() == kind);

    /// <summary>App Deployments are the ones the Dapr injector serves; dev's PostgreSQL and Redis are infrastructure.</summary>
    public IEnumerable<JsonObject> AppDeployments => OfKind("Deployment").Where(d => Annotation(d, "dapr.io/enabled") is not null);

    public static string? Annotation(JsonObject deployment, string name) =>
        deployment["spec"]?["template"]?["metadata"]?["annotations"]?[name].Text();
}

/// <summary>Renders every overlay once per test run (xunit collection fixture); kubectl must be on PATH.</summary>
public sealed class KustomizeRenders
{
    public static readonly string[] Overlays = ["k8s/overlays/dev", "k8s/overlays/prod", "k8s/overlays/prod-keda"];

    /// <summary>One theory case per overlay (MemberData with MemberType = typeof(KustomizeRenders)).</summary>
    public static TheoryData<string> OverlayCases() => new(Overlays);

    private readonly Dictionary<string, RenderedOverlay> _renders;

    public KustomizeRenders()
    {
        _renders = Overlays.ToDictionary(o => o, o => new RenderedOverlay(o, YamlDocuments.Parse(Render(o))), StringComparer.Ordinal);
    }

    public RenderedOverlay this[string overlay] => _renders[overlay];

    /// <summary>`kubectl kustomize` (kustomize v5 built in); a missing kubectl fails the test, it does not skip it.</summary>
    public static string Render(string overlay)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Repository.PathOf(overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl (with kustomize v5) must be on PATH to check k8s/: https://kubernetes.io/docs/tasks/tools/", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kubectl kustomize {overlay} did not finish in 2 minutes");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {overlay} failed ({process.ExitCode}): {stderr.Result}");
            }

            return stdout.Result;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class KustomizeCollection : ICollectionFixture<KustomizeRenders>
{
    public const string Name = "kustomize renders";
}
