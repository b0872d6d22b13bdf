namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>The resource files of the suite's run file besides the components TestSupport writes.</summary>
public static class Resources
{
    /// <summary>Inbound delivery to the apps: three quick retries, then the dead-letter topic (daprd: targets.components.&lt;pubsub&gt;.inbound).</summary>
    public const string Resiliency = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: conformance
        spec:
          policies:
            retries:
              quick:
                policy: constant
                duration: 300ms
                maxRetries: 3
          targets:
            components:
              pubsub:
                inbound:
                  retry: quick
        """;

    /// <summary>ActorStateTTL is still a preview feature in daprd (pkg/config/configuration.go): without it ttlInSeconds on actor state is refused.</summary>
    public const string Configuration = """
        apiVersion: dapr.io/v1alpha1
        kind: Configuration
        metadata:
          name: conformance
        spec:
          features:
            - name: ActorStateTTL
              enabled: true
        """;

    public const string Secrets = """
        { "db-password": "s3cret", "api": { "key": "k-123", "region": "eu" } }
        """;
}
