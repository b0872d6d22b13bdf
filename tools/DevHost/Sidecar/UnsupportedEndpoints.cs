namespace DaprPlatform.DevHost.Sidecar;

/// <summary>
/// Building blocks DevHost does not implement answer with the error daprd gives when the block is not available,
/// so no caller mistakes DevHost for a full runtime.
/// </summary>
internal static class UnsupportedEndpoints
{
    private static readonly string[] AnyVerb = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    public static void Map(WebApplication app)
    {
        // Actors are served by Actors/ActorEndpoints; other /v1.0/actors paths fall through to the invoke fallback as in daprd.

        // Workflows are served by Workflows/WorkflowHttpEndpoints.

        // Output bindings: no binding components are served, so every call fails like an unknown binding (ERR_INVOKE_OUTPUT_BINDING, 500).
        app.MapMethods("/v1.0/bindings/{name}", ["POST", "PUT"], (string name) =>
            DaprError.Result(500, "ERR_INVOKE_OUTPUT_BINDING", $"error invoking output binding {name}: couldn't find output binding {name}"));

        // Configuration API with no configuration store (ERR_CONFIGURATION_STORE_NOT_CONFIGURED, 500).
        foreach (var version in new[] { "v1.0", "v1.0-alpha1" })
        {
            app.MapMethods($"/{version}/configuration/{{**rest}}", AnyVerb, () =>
                DaprError.Result(500, "ERR_CONFIGURATION_STORE_NOT_CONFIGURED", "configuration store is not configured"));
        }

        // Distributed lock with no lock store (ERR_LOCK_STORE_NOT_CONFIGURED, 500).
        app.MapMethods("/v1.0-alpha1/lock/{**rest}", AnyVerb, () => DaprError.Result(500, "ERR_LOCK_STORE_NOT_CONFIGURED", "lock store is not configured"));
        app.MapMethods("/v1.0-alpha1/unlock/{**rest}", AnyVerb, () => DaprError.Result(500, "ERR_LOCK_STORE_NOT_CONFIGURED", "lock store is not configured"));

        // Cryptography with no crypto provider (ERR_CRYPTO_PROVIDERS_NOT_CONFIGURED, 500).
        app.MapMethods("/v1.0-alpha1/crypto/{**rest}", AnyVerb, () => DaprError.Result(500, "ERR_CRYPTO_PROVIDERS_NOT_CONFIGURED", "crypto providers not configured"));
    }
}
