using System.Globalization;

namespace DaprPlatform.Benchmarks.EndToEnd;

/// <summary>
/// CPU time used so far by the processes that make up the platform, read from /proc (Linux; elsewhere empty), grouped
/// as devhost, gateway, identity, channels, analytics, notifications, benchmarks (this driver) and postgres (every
/// PostgreSQL process on the machine). The difference of two snapshots shows where a phase's CPU went.
/// </summary>
public static class ProcessCpu
{
    private const string Prefix = "DaprPlatform.";

    /// <summary>Clock ticks per second of /proc/[pid]/stat times (USER_HZ, 100 on every Linux architecture .NET runs on).</summary>
    private const double TicksPerSecond = 100;

    public static IReadOnlyDictionary<string, double> Snapshot()
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return seconds;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var group = GroupOf(File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries), stat);
                if (group is null)
                {
                    continue;
                }

                // Fields after "(comm) ": state is [0], utime [11], stime [12] (stat(5) fields 14 and 15).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                seconds[group] = seconds.GetValueOrDefault(group) + (ticks / TicksPerSecond);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while being read.
            }
        }

        return seconds;
    }

    /// <summary>CPU seconds each group used between two snapshots (groups that used none are left out), largest first.</summary>
    public static IReadOnlyList<ProcessCpuSeconds> Between(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return [.. after
            .Select(kv => new ProcessCpuSeconds(kv.Key, Math.Round(kv.Value - before.GetValueOrDefault(kv.Key), 2)))
            .Where(p => p.Seconds > 0)
            .OrderByDescending(p => p.Seconds)];
    }

    /// <summary>An app started as its apphost or as "dotnet DaprPlatform.X.dll", or a postgres process; null for anything else.</summary>
    private static string? GroupOf(string[] commandLine, string stat)
    {
        foreach (var argument in commandLine.Take(2))
        {
            var file = Path.GetFileName(argument);
            if (file.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return Path.GetFileNameWithoutExtension(file.EndsWith(".dll", StringComparison.Ordinal) ? file : file + ".dll")[Prefix.Length..].ToLowerInvariant();
            }
        }

        return stat.Contains(" (postgres) ", StringComparison.Ordinal) ? "postgres" : null;
    }
}

/// <summary>CPU seconds one group of processes used in a phase.</summary>
public sealed record ProcessCpuSeconds(string Process, double Seconds);
