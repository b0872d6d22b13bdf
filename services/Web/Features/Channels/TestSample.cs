using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Channels;

/// <summary>The dashboard's "post a test sample" form: one sample of a counter, now, with a fresh id.</summary>
public static class TestSample
{
    /// <summary>The counters the live chart and the summaries show, as the intake names them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["views", "reactions", "joins", "forwards", "posts", "leaves"];

    public static MetricSample Create(string kind, long? value, DateTimeOffset now) => new(Guid.NewGuid().ToString("N"), kind, value, now);

    /// <summary>
    /// The intake names fields by their place in the batch (<c>samples[0].value</c>); the form has one sample, so its fields
    /// are just <c>kind</c> and <c>value</c>.
    /// </summary>
    public static ApiProblem ForForm(ApiProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        const string prefix = "samples[0].";
        var errors = problem.Errors.ToDictionary(
            e => e.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? e.Key[prefix.Length..] : e.Key,
            e => e.Value,
            StringComparer.OrdinalIgnoreCase);
        return problem with { Errors = errors };
    }
}
