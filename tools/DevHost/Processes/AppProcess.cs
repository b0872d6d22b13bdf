using System.Diagnostics;

namespace DaprPlatform.DevHost.Processes;

/// <summary>An app started from the run file's command, its output streamed line by line with an "[appId]" prefix.</summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _appId;
    private readonly TextWriter _output;

    private AppProcess(Process process, string appId, TextWriter output)
    {
        _process = process;
        _appId = appId;
        _output = output;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static AppProcess Start(string appId, IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> environment, TextWriter output)
    {
        if (command.Count == 0)
        {
            throw new DevHostConfigurationException($"App '{appId}' has no 'command' in the run file.");
        }

        var psi = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1)) { psi.ArgumentList.Add(arg); }
        foreach (var (k, v) in environment) { psi.Environment[k] = v; }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var app = new AppProcess(process, appId, output);
        process.OutputDataReceived += (_, e) => app.Write(e.Data);
        process.ErrorDataReceived += (_, e) => app.Write(e.Data);
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
        return app;
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

    /// <summary>SIGTERM first so the app shuts down gracefully, then the whole process tree is killed after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) { return; }
        try
        {
            using var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
            if (term is not null) { await term.WaitForExitAsync(); }
            using var cts = new CancellationTokenSource(grace);
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Grace period over.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill binary: fall through to the tree kill.
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        // Let the output readers flush the last lines.
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
