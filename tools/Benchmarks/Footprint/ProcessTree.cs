using System.Globalization;
using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.Benchmarks.Footprint;

/// <summary>One process of the run: what it is (DevHost, an app, a `dotnet run` wrapper, Postgres), its command and resident memory.</summary>
/// <remarks>PSS shares each shared page among the processes mapping it (Postgres backends share its buffers), so it adds up truthfully where RSS counts shared pages once per process.</remarks>
public sealed record MeasuredProcess(int Pid, string Kind, string Name, string Command, double RssMegabytes, double PssMegabytes);

/// <summary>Processes read from /proc: a process and its descendants, and a Postgres cluster's postmaster and backends.</summary>
public static class ProcessTree
{
    public static IEnumerable<MeasuredProcess> Of(int rootPid, RunFile runFile)
    {
        var parents = AllProcesses().ToDictionary(p => p, ParentOf);
        var tree = new HashSet<int> { rootPid };
        bool added;
        do
        {
            added = false;
            foreach (var (pid, parent) in parents)
            {
                if (parent is { } pp && tree.Contains(pp) && tree.Add(pid)) { added = true; }
            }
        }
        while (added);

        foreach (var pid in tree.Order())
        {
            if (Describe(pid, rootPid, runFile) is { } process) { yield return process; }
        }
    }

    /// <summary>The cluster's postmaster (first line of postmaster.pid) and every process whose parent it is.</summary>
    public static IEnumerable<MeasuredProcess> PostgresCluster(string directory)
    {
        var pidFile = Path.Combine(directory, "data", "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.None, CultureInfo.InvariantCulture, out var postmaster)) { yield break; }
        foreach (var pid in AllProcesses().Where(p => p == postmaster || ParentOf(p) == postmaster).Order())
        {
            if (Kib(pid, "status", "VmRSS:") is { } rss) { yield return new MeasuredProcess(pid, "postgres", "postgres", Command(pid), rss, Kib(pid, "smaps_rollup", "Pss:") ?? rss); }
        }
    }

    private static MeasuredProcess? Describe(int pid, int rootPid, RunFile runFile)
    {
        if (Kib(pid, "status", "VmRSS:") is not { } rss) { return null; }
        var pss = Kib(pid, "smaps_rollup", "Pss:") ?? rss;
        var command = Command(pid);
        var args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (pid == rootPid) { return new MeasuredProcess(pid, "devhost", "DevHost", command, rss, pss); }
        var cwd = Cwd(pid);
        var app = runFile.Apps.FirstOrDefault(a => string.Equals(Path.GetFullPath(a.AppDirectory).TrimEnd('/'), cwd?.TrimEnd('/'), StringComparison.Ordinal));
        var isWrapper = args.Length > 1 && Path.GetFileName(args[0]) == "dotnet" && args[1] == "run";
        return isWrapper
            ? new MeasuredProcess(pid, "dotnet run wrapper", app?.AppId ?? "?", command, rss, pss)
            : new MeasuredProcess(pid, app is null ? "other" : "app", app?.AppId ?? Path.GetFileName(args.FirstOrDefault() ?? "?"), command, rss, pss);
    }

    private static IEnumerable<int> AllProcesses()
        => Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : -1)
            .Where(pid => pid > 0);

    private static int? ParentOf(int pid)
    {
        try
        {
            // The command name in field 2 may hold spaces: the fields after its closing parenthesis are what we need.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>A "Name:   N kB" field of /proc/[pid]/<paramref name="file"/>, in MiB.</summary>
    private static double? Kib(int pid, string file, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/{file}").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static string? Cwd(int pid)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
