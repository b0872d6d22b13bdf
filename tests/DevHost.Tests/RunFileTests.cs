using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Tests;

public sealed class RunFileTests : IDisposable
{
    private readonly TemporaryRunFile _folder = TemporaryRunFile.Create("devhost-runfile-");

    private string Dir => _folder.Directory;

    public void Dispose() => _folder.Dispose();

    private string Write(string relative, string content)
    {
        _folder.WithFile(relative, content);
        return Path.Combine(Dir, relative);
    }

    private static int NoFreePort() => throw new InvalidOperationException("every port is given");

    [Fact]
    public void Run_file_keys_are_read_as_the_Dapr_CLI_names_them_and_paths_resolve_against_the_run_file()
    {
        var path = Write("dapr.yaml", """
            version: 1
            common:
              resourcesPaths: ["./components"]
              configFilePath: ./components/config.yaml
              env:
                SHARED: common
                OVERRIDE: common
            apps:
              - appID: identity
                appDirPath: ./services/Identity
                appPort: 5001
                daprHTTPPort: 3501
                daprGRPCPort: 50001
                command: ["dotnet", "run", "--no-build"]
                env:
                  OVERRIDE: app
            """);

        var runFile = RunFileLoader.Load(path, NoFreePort);

        // Multi-app run file: appDirPath and common paths are relative to the run file; app env overrides common.env.
        var app = runFile.Apps.Should().ContainSingle().Subject;
        app.AppId.Should().Be("identity");
        app.AppDirectory.Should().Be(Path.Combine(Dir, "services", "Identity"));
        (app.AppPort, app.DaprHttpPort, app.DaprGrpcPort).Should().Be((5001, 3501, 50001));
        app.Command.Should().Equal("dotnet", "run", "--no-build");
        app.Env["SHARED"].Should().Be("common");
        app.Env["OVERRIDE"].Should().Be("app");
        app.ResourcesPaths.Should().Equal(Path.Combine(Dir, "components"));
        app.ConfigFilePath.Should().Be(Path.Combine(Dir, "components", "config.yaml"));
        app.AppProtocol.Should().Be("http");
    }

    [Fact]
    public void A_directory_means_its_dapr_yaml_and_a_missing_appID_comes_from_the_folder_name()
    {
        Write("dapr.yaml", "version: 1\napps:\n  - appDirPath: ./orders\n    appPort: 6001\n    daprHTTPPort: 3600\n    daprGRPCPort: 3601\n");

        // dapr run -f <dir> reads <dir>/dapr.yaml; appID defaults to the app folder name.
        RunFileLoader.Load(Dir, NoFreePort).Apps.Single().AppId.Should().Be("orders");
    }

    [Fact]
    public void App_health_checks_are_off_unless_enabled_and_take_the_CLI_keys_with_daprd_s_defaults_and_common_values()
    {
        var path = Write("dapr.yaml", """
            version: 1
            common:
              appHealthThreshold: 7
            apps:
              - appID: plain
                appDirPath: ./plain
                daprHTTPPort: 1
                daprGRPCPort: 2
              - appID: defaults
                appDirPath: ./defaults
                daprHTTPPort: 3
                daprGRPCPort: 4
                enableAppHealthCheck: true
                appHealthThreshold: 0
              - appID: tuned
                appDirPath: ./tuned
                daprHTTPPort: 5
                daprGRPCPort: 6
                enableAppHealthCheck: true
                appHealthCheckPath: ready
                appHealthProbeInterval: 2
                appHealthProbeTimeout: 250
                appHealthThreshold: 1
            """);

        var apps = RunFileLoader.Load(path, NoFreePort).Apps.ToDictionary(a => a.AppId);

        // dapr run -f: enableAppHealthCheck (default false), appHealthCheckPath (default /healthz), appHealthProbeInterval in
        // seconds (default 5), appHealthProbeTimeout in milliseconds (default 500), appHealthThreshold (default 3); a key
        // the app leaves unset or zero comes from common.
        apps["plain"].HealthCheck.Should().BeNull();
        apps["defaults"].HealthCheck.Should().Be(new AppHealthCheck("/healthz", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(500), 7));
        apps["tuned"].HealthCheck.Should().Be(new AppHealthCheck("/ready", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250), 1));
    }

    [Theory]
    [InlineData("apps:\n  - appID: a\n    appDirPath: ./a\n", "'version' is required")]
    [InlineData("version: 0\napps:\n  - appID: a\n    appDirPath: ./a\n", "'version' is required")]
    [InlineData("version: 1\napps: []\n", "at least one app")]
    [InlineData("version: 1\napps:\n  - appID: a\n", "no 'appDirPath'")]
    [InlineData("version: 1\napps:\n  - appID: a\n    appDirPath: ./a\n    daprHTTPPort: 3500\n    daprGRPCPort: 1\n  - appID: b\n    appDirPath: ./b\n    daprHTTPPort: 3500\n    daprGRPCPort: 2\n", "port 3500 is used more than once")]
    [InlineData("version: 1\napps:\n  - appID: a\n    appDirPath: ./a\n    daprHTTPPort: 1\n    daprGRPCPort: 2\n  - appID: a\n    appDirPath: ./b\n    daprHTTPPort: 3\n    daprGRPCPort: 4\n", "listed more than once")]
    [InlineData("version: 1\napps:\n  - appID: a\n    appDirPath: ./a\n    appProtocol: grpc\n    daprHTTPPort: 1\n    daprGRPCPort: 2\n", "only serves HTTP apps")]
    [InlineData("version: [1\n", "not valid YAML")]
    [InlineData("version: 1\napps:\n  - appID: a\n    appDirPath: ./a\n    daprHTTPPort: 1\n    daprGRPCPort: 2\n    appHealthProbeInterval: 1\n    appHealthProbeTimeout: 1500\n", "appHealthProbeTimeout (1500 ms) must not be longer than appHealthProbeInterval (1 s)")]
    public void Bad_run_files_fail_with_a_message_naming_the_problem(string yaml, string expected)
    {
        var path = Write("dapr.yaml", yaml);

        var act = () => RunFileLoader.Load(path, () => 40000);

        act.Should().Throw<DevHostConfigurationException>().Which.Message.Should().Contain(expected).And.Contain(path);
    }

    [Fact]
    public void Missing_run_file_is_a_clear_error()
        => FluentActions.Invoking(() => RunFileLoader.Load(Path.Combine(Dir, "nope.yaml"), NoFreePort))
            .Should().Throw<DevHostConfigurationException>().WithMessage("*does not exist*");

    [Fact]
    public void Components_subscriptions_and_resiliency_are_loaded_with_scopes_applied()
    {
        Write("components/all.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.postgresql
              version: v1
              metadata:
                - name: connectionString
                  secretKeyRef:
                    name: db
                    key: conn
            auth:
              secretStore: secretstore
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: onlyother
            spec:
              type: pubsub.in-memory
              version: v1
              metadata: []
            scopes: ["other"]
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Subscription
            metadata:
              name: legacy
            spec:
              pubsubname: pubsub
              topic: t1
              route: /t1
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                timeouts:
                  general: 5s
                retries:
                  expo:
                    policy: exponential
                    maxInterval: 10s
                    maxRetries: -1
                    matching:
                      httpStatusCodes: 429,500-599
                circuitBreakers:
                  cb:
                    maxRequests: 1
                    timeout: 30s
                    trip: consecutiveFailures > 5
              targets:
                apps:
                  identity:
                    timeout: general
                    retry: expo
                    circuitBreaker: cb
                components:
                  pubsub:
                    inbound:
                      retry: expo
            """);
        Write("components/alternatives/ignored.yaml", "this: [is not read");

        var set = ResourceLoader.Load("me", [Path.Combine(Dir, "components")], null);

        // Component scopes: "onlyother" is invisible to app "me"; sub-folders are not read.
        set.Components.Select(c => c.Name).Should().Equal("statestore");
        var state = set.Components.Single();
        state.Metadata.Single().SecretKeyRef.Should().Be(new SecretKeyRef("db", "conn"));
        state.SecretStore.Should().Be("secretstore");

        // v1alpha1 Subscription: spec.route is the single route.
        set.Subscriptions.Single().DefaultRoute.Should().Be("/t1");

        // Resiliency: targets sit under spec; maxRetries -1 = forever; matching status codes and ranges.
        var app = set.Resiliency.Apps["identity"];
        app.Timeout.Should().Be(TimeSpan.FromSeconds(5));
        app.Retry!.MayRetry(1000).Should().BeTrue();
        app.Retry.Retries(429).Should().BeTrue();
        app.Retry.Retries(503).Should().BeTrue();
        app.Retry.Retries(404).Should().BeFalse();
        app.Retry.DelayBefore(20).Should().Be(TimeSpan.FromSeconds(10), "exponential backoff is capped by maxInterval");
        app.CircuitBreaker!.TripAfterConsecutiveFailures.Should().Be(6);
        set.Resiliency.ComponentInbound["pubsub"].Retry!.Name.Should().Be("expo");
    }

    [Theory]
    [InlineData("match: event.data.total > 100", "not supported by DevHost")]
    [InlineData("match: has(event.type)", "not supported by DevHost")]
    public void Unsupported_CEL_in_a_routing_rule_is_rejected_at_load(string rule, string expected)
    {
        Write("components/sub.yaml", $"""
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: s
            spec:
              pubsubname: pubsub
              topic: t
              routes:
                rules:
                  - {rule}
                    path: /x
            """);

        FluentActions.Invoking(() => ResourceLoader.Load("me", [Path.Combine(Dir, "components")], null))
            .Should().Throw<DevHostConfigurationException>().WithMessage($"*{expected}*");
    }

    [Theory]
    [InlineData("kind: Component\nmetadata:\n  name: x\nspec:\n  version: v1\n", "has no spec.type")]
    [InlineData("kind: Subscription\nmetadata:\n  name: x\nspec:\n  topic: t\n  route: /r\n", "no spec.pubsubname")]
    [InlineData("kind: Resiliency\nmetadata:\n  name: x\nspec:\n  targets:\n    apps:\n      a:\n        retry: missing\n", "not defined")]
    [InlineData("kind: Resiliency\nmetadata:\n  name: x\nspec:\n  policies:\n    timeouts:\n      t: soon\n", "is not a duration")]
    public void Bad_resource_files_fail_with_a_message_naming_file_and_problem(string yaml, string expected)
    {
        var path = Write("components/bad.yaml", "apiVersion: dapr.io/v1alpha1\n" + yaml);

        FluentActions.Invoking(() => ResourceLoader.Load("me", [Path.Combine(Dir, "components")], null))
            .Should().Throw<DevHostConfigurationException>().Which.Message.Should().Contain(expected).And.Contain(path);
    }
}
