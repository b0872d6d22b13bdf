namespace DaprPlatform.TestSupport;

/// <summary>Dapr component manifests several test fixtures write next to a temporary run file.</summary>
public static class ComponentYaml
{
    /// <summary>
    /// A pubsub.redis component. DevHost serves every pubsub type from its own Postgres broker, so redisHost is never dialled.
    /// </summary>
    public static string RedisPubSub(string name = "pubsub") => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: pubsub.redis
          version: v1
          metadata:
            - name: redisHost
              value: localhost:6379
        """;

    /// <summary>A state.postgresql component with its connection string inline.</summary>
    /// <param name="actorStateStore">Marks it as the store actors keep their state in (one per app).</param>
    public static string PostgresStateStore(string connectionString, string name = "statestore", bool actorStateStore = false)
    {
        var actors = actorStateStore
            ? """

                  - name: actorStateStore
                    value: "true"
              """
            : string.Empty;
        return $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {name}
            spec:
              type: state.postgresql
              version: v1
              metadata:
                - name: connectionString
                  value: "{connectionString}"
            """ + actors;
    }

    /// <summary>secretstores.local.file reading <paramref name="secretsFile"/> (relative to the run file's folder).</summary>
    /// <param name="nestedSeparator">When set, nested JSON keys are flattened with it (e.g. "db:user").</param>
    public static string LocalFileSecretStore(string secretsFile, string? nestedSeparator = null, string name = "secretstore")
    {
        var separator = nestedSeparator is null
            ? string.Empty
            : $"""

                  - name: nestedSeparator
                    value: "{nestedSeparator}"
              """;
        return $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {name}
            spec:
              type: secretstores.local.file
              version: v1
              metadata:
                - name: secretsFile
                  value: {secretsFile}
            """ + separator;
    }
}
