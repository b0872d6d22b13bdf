namespace DaprPlatform.DevHost.Tests;

[Collection("sidecar")]
public sealed class SecretsTests(SidecarFixture f)
{
    [Fact]
    public async Task Local_file_store_flattens_nested_keys_with_the_colon_separator()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/secrets/secretstore/jwt:signingKey");

        // Dapr rule: secretstores.local.file with multiValued=false flattens nested keys using nestedSeparator ":".
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("jwt:signingKey").GetString().Should().Be("k1");
    }

    [Fact]
    public async Task Bulk_returns_every_allowed_secret_as_a_map_of_maps()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/secrets/secretstore/bulk");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        root.GetProperty("jwt:issuer").GetProperty("jwt:issuer").GetString().Should().Be("me");
        root.GetProperty("db").GetProperty("db").GetString().Should().StartWith("Host=");

        // Configuration secrets.scopes deniedSecrets hides "number" from bulk too.
        root.TryGetProperty("number", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Unknown_secret_is_204()
    {
        // Secrets API docs: 204 when the secret is not found.
        (await f.CallerSidecar.GetAsync("/v1.0/secrets/secretstore/nope")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Secret_denied_by_scope_is_403()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/secrets/secretstore/number");

        // Secrets API docs: 403 when denied by the Configuration secrets.scopes.
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_PERMISSION_DENIED");
    }

    [Fact]
    public async Task Unknown_store_is_400()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/secrets/nostore/x");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_SECRET_STORE_NOT_FOUND");
    }

    [Fact]
    public async Task Env_store_serves_app_env_and_never_exposes_DAPR_variables_or_APP_API_TOKEN()
    {
        var value = await f.CallerSidecar.GetAsync("/v1.0/secrets/envstore/HELLO_SECRET");
        JsonDocument.Parse(await value.Content.ReadAsStringAsync()).RootElement.GetProperty("HELLO_SECRET").GetString().Should().Be("from-env");

        // secretstores.local.env: DAPR_* and APP_API_TOKEN are never exposed.
        (await f.CallerSidecar.GetAsync("/v1.0/secrets/envstore/DAPR_SECRET_THING")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await f.CallerSidecar.GetAsync("/v1.0/secrets/envstore/DAPR_HTTP_PORT")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var bulk = JsonDocument.Parse(await (await f.CallerSidecar.GetAsync("/v1.0/secrets/envstore/bulk")).Content.ReadAsStringAsync()).RootElement;
        bulk.EnumerateObject().Select(p => p.Name).Should().Contain("HELLO_SECRET").And.NotContain(n => n.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase) || n == "APP_API_TOKEN");
    }

    [Fact]
    public async Task A_scoped_component_is_invisible_to_other_apps()
    {
        // Component scopes: envstore lists only "caller".
        using var response = await f.TargetSidecar.GetAsync("/v1.0/secrets/envstore/HELLO_SECRET");
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
