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
    public async Task Unknown_secret_of_a_file_store_is_500_ERR_SECRET_GET()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/secrets/secretstore/nope");

        // daprd: secretstores.local.file answers "secret nope not found", which the API reports as ERR_SECRET_GET (500);
        // the 204 of the API docs is for stores that answer an empty result instead of an error.
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_SECRET_GET");
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
    public async Task Unknown_store_is_401_as_daprd_answers_it()
    {
        using var response = await f.CallerSidecar.GetAsync("/v1.0/secrets/nostore/x");

        // daprd pkg/messages/predefined.go: ErrSecretStoreNotFound is http.StatusUnauthorized (gRPC InvalidArgument).
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_SECRET_STORE_NOT_FOUND");
    }

    [Fact]
    public async Task Env_store_serves_app_env_and_never_exposes_DAPR_variables_or_APP_API_TOKEN()
    {
        var value = await f.CallerSidecar.GetAsync("/v1.0/secrets/envstore/HELLO_SECRET");
        JsonDocument.Parse(await value.Content.ReadAsStringAsync()).RootElement.GetProperty("HELLO_SECRET").GetString().Should().Be("from-env");

        // secretstores.local.env: DAPR_* and APP_API_TOKEN are never exposed; like a missing variable they read as "".
        foreach (var hidden in new[] { "DAPR_SECRET_THING", "DAPR_HTTP_PORT", "NO_SUCH_VARIABLE" })
        {
            var answer = JsonDocument.Parse(await (await f.CallerSidecar.GetAsync($"/v1.0/secrets/envstore/{hidden}")).Content.ReadAsStringAsync()).RootElement;
            answer.GetProperty(hidden).GetString().Should().BeEmpty();
        }

        var bulk = JsonDocument.Parse(await (await f.CallerSidecar.GetAsync("/v1.0/secrets/envstore/bulk")).Content.ReadAsStringAsync()).RootElement;
        bulk.EnumerateObject().Select(p => p.Name).Should().Contain("HELLO_SECRET").And.NotContain(n => n.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase) || n == "APP_API_TOKEN");
    }

    [Fact]
    public async Task A_scoped_component_is_invisible_to_other_apps()
    {
        // Component scopes: envstore lists only "caller".
        using var response = await f.TargetSidecar.GetAsync("/v1.0/secrets/envstore/HELLO_SECRET");
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_SECRET_STORE_NOT_FOUND");
    }
}
