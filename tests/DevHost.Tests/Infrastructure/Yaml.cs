namespace DaprPlatform.DevHost.Tests.Infrastructure;

/// <summary>Resource files used by several tests.</summary>
public static class Yaml
{
    /// <param name="apps">Env: the app's env block as "KEY: value" lines, or empty.</param>
    public static string RunFile(params (string AppId, int AppPort, int HttpPort, string Env)[] apps) => RunFile(null, apps);

    public static string RunFile(string? configFile, params (string AppId, int AppPort, int HttpPort, string Env)[] apps) =>
        TemporaryRunFile.Render(
            apps.Select(a => new RunFileApp(a.AppId, a.HttpPort, a.AppPort) { AppDirPath = $"./{a.AppId}", Env = EnvLines(a.Env) }),
            configFile);

    private static KeyValuePair<string, string>[] EnvLines(string env) =>
        env.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(": ", 2))
            .Select(kv => KeyValuePair.Create(kv[0], kv[1]))
            .ToArray();

    public const string StateStore = """
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
                key: db
            - name: actorStateStore
              value: "true"
        auth:
          secretStore: secretstore
        """;

    public static readonly string PubSub = ComponentYaml.RedisPubSub();

    /// <summary>A Resiliency resource retrying deliveries of component "pubsub" twice, 200 ms apart.</summary>
    public const string QuickInboundRetry = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: resiliency
        spec:
          policies:
            retries:
              quick:
                policy: constant
                duration: 200ms
                maxRetries: 2
          targets:
            components:
              pubsub:
                inbound:
                  retry: quick
        """;

    public static readonly string SecretStore = ComponentYaml.LocalFileSecretStore("components/secrets.json");

    public const string Secrets = """
        { "db": "Host=127.0.0.1;Port=1;Database=nowhere", "jwt": { "signingKey": "k1", "issuer": "me" }, "number": 42 }
        """;
}
