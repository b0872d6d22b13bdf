using System.Net.Http.Json;

namespace DaprPlatform.DevHost.Tests;

/// <summary>
/// The stand-in is selected by configuration alone: with <see cref="DevHostOptions.TelegramStandIn"/> set, every app
/// gets Telegram__BaseUrl and Telegram__BotToken pointing at it, also after <see cref="PlatformHost.RestartAppAsync"/>.
/// </summary>
public sealed class TelegramStandInPlatformTests
{
    [Fact]
    public async Task Apps_get_the_stand_in_settings_and_keep_them_when_restarted()
    {
        var standInPort = FreeTcpPort.Next();
        await using var run = await ShellApp.StartAsync(
            "echo \"telegram $Telegram__BaseUrl $Telegram__BotToken pid $$\"", o => o with { TelegramStandIn = new TelegramStandInOptions { Port = standInPort } });
        var host = run.Host;

        var expectedLine = $"[app] telegram http://127.0.0.1:{standInPort} {TelegramStandInOptions.DefaultBotToken} pid ";
        var firstPid = host.Apps.Single().Pid;
        run.Output.Should().Contain(expectedLine + firstPid);
        host.TelegramStandIn.Should().NotBeNull();

        // The settings lead to a working Bot API: what an app would call with them.
        using var telegram = new HttpClient { BaseAddress = host.TelegramStandIn!.BaseUrl };
        var reply = await telegram.GetFromJsonAsync<JsonElement>($"/bot{TelegramStandInOptions.DefaultBotToken}/getChat?chat_id=@platform_test");
        reply.GetProperty("ok").GetBoolean().Should().BeTrue();

        await host.RestartAppAsync("app");

        var restarted = host.Apps.Single();
        restarted.State.Should().Be(AppState.Running);
        restarted.Pid.Should().NotBe(firstPid);
        run.Output.Should().Contain(expectedLine + restarted.Pid);
        (await telegram.GetAsync($"http://127.0.0.1:{restarted.AppPort}/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_the_option_no_stand_in_runs_and_apps_get_no_telegram_settings()
    {
        await using var run = await ShellApp.StartAsync("echo \"telegram [${Telegram__BaseUrl:-unset}]\"");

        run.Host.TelegramStandIn.Should().BeNull();
        run.Output.Should().Contain("[app] telegram [unset]");
    }

    [Fact]
    public async Task Restarting_an_app_the_host_does_not_run_is_refused()
    {
        await using var files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = $"version: 1\napps:\n  - appID: ext\n    appDirPath: ./ext\n    appPort: {FreeTcpPort.Next()}\n    daprHTTPPort: {FreeTcpPort.Next()}\n    daprGRPCPort: {FreeTcpPort.Next()}\n    command: [\"true\"]\n",
            ["ext/.keep"] = "",
        });
        var host = await files.StartAsync(startApps: false);

        await FluentActions.Awaiting(() => host.RestartAppAsync("ext")).Should().ThrowAsync<InvalidOperationException>().WithMessage("*ext*not run by this host*");
        await FluentActions.Awaiting(() => host.RestartAppAsync("nope")).Should().ThrowAsync<ArgumentException>();
    }
}
