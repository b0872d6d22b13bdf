using DaprPlatform.DevHost.Secrets;

namespace DaprPlatform.DevHost.Sidecar;

/// <summary>Secrets API over HTTP (Dapr docs: reference/api/secrets_api); the rules live in <see cref="SecretsApi"/>.</summary>
internal static class SecretEndpoints
{
    public static void Map(WebApplication app, SidecarRuntime sidecar)
    {
        var api = new SecretsApi(sidecar);
        app.MapGet("/v1.0/secrets/{store}/bulk", (string store) => Answer(() => api.GetBulk(store)));
        app.MapGet("/v1.0/secrets/{store}/{name}", (string store, string name) => Answer(() => api.Get(store, name)));
    }

    private static IResult Answer(Func<object> read)
    {
        try
        {
            return Results.Json(read());
        }
        catch (DaprApiException ex)
        {
            return DaprError.Result(ex);
        }
    }
}
