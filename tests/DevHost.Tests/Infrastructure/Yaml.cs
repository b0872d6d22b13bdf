namespace DaprPlatform.DevHost.Tests.Infrastructure;

/// <summary>Resource files used by several tests.</summary>
public static class Yaml
{
    public static string RunFile(params (string AppId, int AppPort, int HttpPort, string Env)[] apps) => RunFile(null, apps);

    public static string RunFile(string? configFile, params (string AppId, int AppPort, int HttpPort, string Env)[] apps)
    {
        var sb = new System.Text.StringBuilder("version: 1\ncommon:\n  resourcesPaths: [./components]\n");
        if (configFile is not null) { sb.Append("  configFilePath: ").Append(configFile).Append('\n'); }
        sb.Append("apps:\n");
        foreach (var a in apps)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - appID: {a.AppId}\n    appDirPath: ./{a.AppId}\n    appPort: {a.AppPort}\n    daprHTTPPort: {a.HttpPort}\n    daprGRPCPort: {TestHost.FreePort()}\n    command: [\"true\"]\n");
            if (a.Env.Length > 0) { sb.Append("    env:\n").Append(a.Env); }
        }

        return sb.ToString();
    }

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

    public const string PubSub = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: pubsub
        spec:
          type: pubsub.redis
          version: v1
          metadata:
            - name: redisHost
              value: localhost:6379
        """;

    public const string SecretStore = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: secretstore
        spec:
          type: secretstores.local.file
          version: v1
          metadata:
            - name: secretsFile
              value: components/secrets.json
        """;

    public const string Secrets = """
        { "db": "Host=127.0.0.1;Port=1;Database=nowhere", "jwt": { "signingKey": "k1", "issuer": "me" }, "number": 42 }
        """;
}
