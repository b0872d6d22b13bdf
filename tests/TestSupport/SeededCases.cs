using System.Globalization;

namespace DaprPlatform.TestSupport;

/// <summary>
/// The loop of a seeded property test: one case per seed, each from its own <see cref="Random"/>; a failing case is
/// reported with its seed, and <c>&lt;variable&gt;=&lt;seed&gt;</c> in the environment runs that case alone.
/// </summary>
public static class SeededCases
{
    /// <summary>Runs <paramref name="runCase"/> for seeds <paramref name="firstSeed"/>.. (<paramref name="cases"/> of them), or the one in <paramref name="variable"/>.</summary>
    public static async Task<IReadOnlyList<int>> RunAsync(string variable, int firstSeed, int cases, Func<int, Task> runCase)
    {
        ArgumentNullException.ThrowIfNull(runCase);
        int[] seeds = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } one
            ? [int.Parse(one, CultureInfo.InvariantCulture)]
            : Enumerable.Range(firstSeed, cases).ToArray();
        foreach (var seed in seeds)
        {
            try
            {
                await runCase(seed);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"Case with seed {seed} failed (rerun it alone with {variable}={seed}): {e.Message}", e);
            }
        }

        return seeds;
    }
}
