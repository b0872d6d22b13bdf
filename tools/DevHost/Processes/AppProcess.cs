using System.Diagnostics;

namespace DaprPlatform.DevHost.Processes;

/// <summary>
/// An app started from the run file's command, its output streamed line by line with an "[appId]" prefix. Like the dapr
/// CLI (which starts apps with Setpgid), the app gets a process group of its own — a session, through setsid — so a
/// Ctrl-C in DevHost's terminal reaches DevHost alone, which stops the app itself once its actors are deactivated.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _appId;
    private readonly TextWriter _output;
    private readonly CancellationTokenSource _ended = new();

    private AppProcess(Process process, string appId, TextWriter output)
    {
        _process = process;
        _appId = appId;
        _output = output;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Fires when the process exits or DevHost starts stopping it.</summary>
    public CancellationToken Ended => _ended.Token;

    public static AppProcess Start(string appId, IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> environment, TextWriter output)
    {
        if (command.Count == 0)
        {
            throw new DevHostConfigurationException($"App '{appId}' has no 'command' in the run file.");
        }

        var direct = DotnetRunCommand.Direct(command, workingDirectory, environment);
        command = direct ?? command;
        var executable = Executable(command[0], workingDirectory, environment)
            ?? throw new DevHostConfigurationException($"App '{appId}': cannot start '{command[0]}' in {workingDirectory}: no such executable.");
        var setsid = Executable("setsid", workingDirectory, environment);
        var psi = new ProcessStartInfo(setsid ?? executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        // setsid execs the command in place (same pid, argv[0] as written; it looks the name up as found above) in a new
        // session; without it the app shares DevHost's group.
        if (setsid is not null) { psi.ArgumentList.Add(command[0]); }
        foreach (var arg in command.Skip(1)) { psi.ArgumentList.Add(arg); }
        foreach (var (k, v) in environment) { psi.Environment[k] = v; }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var app = new AppProcess(process, appId, output);
        process.OutputDataReceived += (_, e) => app.Write(e.Data);
        process.ErrorDataReceived += (_, e) => app.Write(e.Data);
        process.Exited += (_, _) => app.MarkEnded();
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new DevHostConfigurationException($"App '{appId}': cannot start '{command[0]}' in {workingDirectory}: {ex.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (direct is not null) { app.Write($"started `{string.Join(' ', direct)}` directly (what `dotnet run --no-build` runs, without its wrapper process)"); }
        return app;
    }

    /// <summary>
    /// Where the command is, found as the dapr CLI's exec finds it: a name with a slash relative to the app's folder,
    /// a bare name on the PATH the app gets. Null when there is no such executable file.
    /// </summary>
    private static string? Executable(string command, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        static bool IsExecutable(string path) =>
            File.Exists(path) && (OperatingSystem.IsWindows()
                || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

        if (command.Contains('/', StringComparison.Ordinal) || Path.IsPathRooted(command))
        {
            var path = Path.GetFullPath(command, workingDirectory);
            return IsExecutable(path) ? path : null;
        }

        var searchPath = environment.GetValueOrDefault("PATH") ?? Environment.GetEnvironmentVariable("PATH") ?? "";
        return searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(IsExecutable);
    }

    private void MarkEnded()
    {
        try
        {
            // Off this thread: the exit event's thread must not run whatever waits on the token.
            _ = _ended.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nobody waits any more.
        }
    }

    private void Write(string? line)
    {
        if (line is null) { return; }
        lock (_output)
        {
            _output.WriteLine($"[{_appId}] {line}");
            _output.Flush();
        }
    }

    /// <summary>
    /// SIGTERM to the app and every descendant (a launcher such as `dotnet run` may not forward signals), then
    /// whatever is still alive after the grace period is killed.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        MarkEnded();
        if (_process.HasExited) { return; }
        var tree = Descendants(_process.Id).Prepend(_process.Id).ToList();
        await SignalAsync("-TERM", tree);
        try
        {
            using var cts = new CancellationTokenSource(grace);
            await _process.WaitForExitAsync(cts.Token);
            while (tree.Any(Alive) && !cts.IsCancellationRequested)
            {
                await Task.Delay(100, cts.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Grace period over.
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        var survivors = tree.Where(Alive).ToList();
        if (survivors.Count > 0) { await SignalAsync("-KILL", survivors); }

        // Let the output readers flush the last lines.
        _process.WaitForExit();
    }

    /// <summary>
    /// SIGKILL to the app and every descendant at once, with no grace period: what a crash or an OOM kill looks like
    /// to the sidecar (open streams break, nothing shuts down cleanly).
    /// </summary>
    public async Task KillAsync()
    {
        MarkEnded();
        if (_process.HasExited) { return; }
        var tree = Descendants(_process.Id).Prepend(_process.Id).ToList();
        await SignalAsync("-KILL", tree);
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); }
        await _process.WaitForExitAsync();
        _process.WaitForExit();
    }

    private static bool Alive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task SignalAsync(string signal, IReadOnlyList<int> pids)
    {
        if (pids.Count == 0) { return; }
        var psi = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add(signal);
        foreach (var pid in pids) { psi.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        try
        {
            using var kill = Process.Start(psi);
            if (kill is not null) { await kill.WaitForExitAsync(); }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill binary: Process.Kill below still ends the tree.
        }
    }

    /// <summary>All descendants of <paramref name="root"/>, read from /proc (parent pid is field 4 of /proc/&lt;pid&gt;/stat).</summary>
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.Exists("/proc") ? Directory.EnumerateDirectories("/proc") : [])
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) { continue; }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        var result = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var child in parents.Where(p => p.Value == current).Select(p => p.Key))
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        _ended.Dispose();
    }
}
