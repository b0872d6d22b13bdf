namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// Stopping, killing and starting one app under a running host: what the end-to-end tests use to inject configuration
/// and crashes without touching the test process's own environment.
/// </summary>
public sealed class AppLifecycleTests
{
    [Fact]
    public async Task A_kill_ends_the_whole_process_tree_at_once_and_the_sidecar_reports_the_app_stopped()
    {
        // The prelude ignores SIGTERM: a graceful stop would wait out its grace period, a kill must not.
        await using var run = await ShellApp.StartAsync("trap '' TERM; echo \"started pid $$\"");
        var host = run.Host;
        var pid = host.Apps.Single().Pid!.Value;

        await host.StopAppAsync("app", AppStopMode.Kill);

        host.Apps.Single().State.Should().Be(AppState.Stopped);
        Directory.Exists($"/proc/{pid}").Should().BeFalse("SIGKILL cannot be trapped");
        run.Output.Should().Contain("[app] killed (SIGKILL)");
        using var http = new HttpClient();
        await FluentActions.Awaiting(() => http.GetAsync($"http://127.0.0.1:{host.Apps.Single().AppPort}/healthz"))
            .Should().ThrowAsync<HttpRequestException>("nothing listens on the app port after the kill");
    }

    [Fact]
    public async Task Start_with_environment_overrides_gives_them_to_the_app_and_a_later_restart_keeps_them()
    {
        await using var run = await ShellApp.StartAsync("echo \"flag [${Feature__Switch:-unset}] pid $$\"");
        var host = run.Host;
        run.Output.Should().Contain("flag [unset]");

        await host.StopAppAsync("app");
        await host.StartAppAsync("app", new Dictionary<string, string> { ["Feature__Switch"] = "on" });
        run.Output.Should().Contain($"flag [on] pid {host.Apps.Single().Pid}");

        await host.RestartAppAsync("app");
        run.Output.Should().Contain($"flag [on] pid {host.Apps.Single().Pid}", "overrides stay until replaced");

        await host.RestartAppAsync("app", new Dictionary<string, string>());
        run.Output.Should().Contain($"flag [unset] pid {host.Apps.Single().Pid}", "an empty set clears them");
        host.Apps.Single().State.Should().Be(AppState.Running);
    }

    [Fact]
    public async Task Environment_given_in_the_options_reaches_the_app_from_its_first_start()
    {
        await using var run = await ShellApp.StartAsync("echo \"flag [${Feature__Switch:-unset}]\"", o => o with
        {
            AppEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["app"] = new Dictionary<string, string> { ["Feature__Switch"] = "from-options" } },
        });

        run.Output.Should().Contain("flag [from-options]");
    }

    [Fact]
    public async Task A_restart_environment_goes_on_top_of_the_options_and_an_empty_one_returns_to_them()
    {
        await using var run = await ShellApp.StartAsync("echo \"flags [${Feature__Switch:-unset}] [${Other__Switch:-unset}] pid $$\"", o => o with
        {
            AppEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["app"] = new Dictionary<string, string> { ["Feature__Switch"] = "from-options" } },
        });
        var host = run.Host;

        await host.RestartAppAsync("app", new Dictionary<string, string> { ["Other__Switch"] = "on" });
        run.Output.Should().Contain($"flags [from-options] [on] pid {host.Apps.Single().Pid}");

        await host.RestartAppAsync("app", new Dictionary<string, string> { ["Feature__Switch"] = "overridden" });
        run.Output.Should().Contain($"flags [overridden] [unset] pid {host.Apps.Single().Pid}");

        await host.RestartAppAsync("app", new Dictionary<string, string>());
        run.Output.Should().Contain($"flags [from-options] [unset] pid {host.Apps.Single().Pid}", "an empty set returns to the options' environment");
    }

    [Fact]
    public async Task Starting_a_running_app_or_stopping_a_stopped_one_is_refused()
    {
        await using var run = await ShellApp.StartAsync("true");
        var host = run.Host;

        await FluentActions.Awaiting(() => host.StartAppAsync("app")).Should().ThrowAsync<InvalidOperationException>().WithMessage("*already running*");
        await host.StopAppAsync("app");
        await FluentActions.Awaiting(() => host.StopAppAsync("app")).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => host.StopAppAsync("nope")).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task A_restarted_app_is_started_only_once_its_new_process_passes_a_health_probe()
    {
        // With SLOW_HEALTH the new process serves its port at once but its health path only after a second. The quick
        // stop left the old process's failure count below the threshold, so the status alone still said healthy; the
        // start must wait for the new process's own passing probe.
        await using var run = await ShellApp.StartAsync(
            "if [ \"$SLOW_HEALTH\" = on ]; then rm -f healthz; (sleep 1; echo ok > healthz) & fi; echo \"pid $$\"",
            healthChecks: true);
        var host = run.Host;

        await host.StopAppAsync("app");
        await host.StartAppAsync("app", new Dictionary<string, string> { ["SLOW_HEALTH"] = "on" });

        using var http = new HttpClient();
        using var health = await http.GetAsync($"http://127.0.0.1:{host.Apps.Single().AppPort}/healthz");
        health.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "the start returned only after a probe of this process passed");
        host.Apps.Single().State.Should().Be(AppState.Running);
    }
}
