using System.Globalization;
using System.Net;
using System.Text.Json;
using DaprPlatform.ServiceDefaults.Tests.Infrastructure;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>
/// Beside a sidecar (DAPR_HTTP_PORT set), AddServiceDefaults loads the secret store "secretstore" into configuration
/// through GET /v1.0/secrets/secretstore/bulk. These tests set process-wide environment variables, so they run in
/// the non-parallel DevHost collection and restore every variable afterwards.
/// </summary>
[Collection(DevHostCollection.Name)]
public sealed class SecretStoreConfigurationTests(DevHostSidecars sidecars)
{
    private async Task<T> WithEnvironmentAsync<T>(IReadOnlyDictionary<string, string?> variables, Func<Task<T>> body)
    {
        var saved = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            return await body();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    private Dictionary<string, string?> BesideTheSidecar(params (string Name, string? Value)[] extra)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DAPR_HTTP_PORT"] = sidecars.ConsumerSidecarHttpPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_GRPC_PORT"] = sidecars.ConsumerSidecarGrpcPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_HTTP_ENDPOINT"] = null,
            ["DAPR_GRPC_ENDPOINT"] = null,
            ["APP_PORT"] = null,
            ["APP_API_TOKEN"] = null,
        };
        foreach (var (name, value) in extra)
        {
            variables[name] = value;
        }

        return variables;
    }

    [Fact]
    public async Task Nested_secrets_become_colon_separated_configuration_keys()
    {
        // secretstores.local.file flattens {"jwt":{"signingKey":...}} into the secret "jwt:signingKey" (nestedSeparator ":").
        var (signingKey, mode, plain) = await WithEnvironmentAsync(BesideTheSidecar(), async () =>
        {
            await using var app = await InProcessApp.StartAsync();
            return (app.Configuration["jwt:signingKey"], app.Configuration["feature:mode"], app.Configuration["plain"]);
        });

        signingKey.Should().Be("signing-key-from-store");
        mode.Should().Be("from-store");
        plain.Should().Be("plain-from-store");
    }

    [Fact]
    public async Task Environment_variables_still_win_over_the_secret_store()
    {
        var mode = await WithEnvironmentAsync(BesideTheSidecar(("feature__mode", "from-environment")), async () =>
        {
            await using var app = await InProcessApp.StartAsync();
            return app.Configuration["feature:mode"];
        });

        mode.Should().Be("from-environment");
    }

    [Fact]
    public async Task Secret_store_wins_over_appsettings_json()
    {
        // The store is inserted before the environment variables, i.e. after appsettings.json:
        // a default checked into appsettings.json must not mask the real secret.
        var contentRoot = Directory.CreateTempSubdirectory("sd-tests-appsettings-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(contentRoot, "appsettings.json"), """{"feature":{"flag":"from-appsettings","onlyInFile":"file"}}""");
            var (flag, onlyInFile) = await WithEnvironmentAsync(BesideTheSidecar(), async () =>
            {
                await using var app = await InProcessApp.StartAsync(contentRoot: contentRoot);
                return (app.Configuration["feature:flag"], app.Configuration["feature:onlyInFile"]);
            });

            onlyInFile.Should().Be("file");
            flag.Should().Be("from-store");
        }
        finally
        {
            Directory.Delete(contentRoot, recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_sidecar_no_secret_store_is_read()
    {
        var variables = BesideTheSidecar();
        variables["DAPR_HTTP_PORT"] = null;
        variables["DAPR_GRPC_PORT"] = null;
        var signingKey = await WithEnvironmentAsync(variables, async () =>
        {
            await using var app = await InProcessApp.StartAsync();
            return app.Configuration["jwt:signingKey"];
        });

        signingKey.Should().BeNull();
    }

    [Fact]
    public async Task Sidecar_from_the_environment_is_checked_by_readiness()
    {
        var (status, sidecar) = await WithEnvironmentAsync(BesideTheSidecar(), async () =>
        {
            await using var app = await InProcessApp.StartAsync();
            using var response = await app.Client.GetAsync("/readyz");
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return (response.StatusCode, body.RootElement.GetProperty("checks").GetProperty("sidecar").Clone());
        });

        status.Should().Be(HttpStatusCode.OK);
        sidecar.GetProperty("status").GetString().Should().Be("Healthy");
        sidecar.GetProperty("description").ValueKind.Should().Be(JsonValueKind.Null, "a sidecar is expected, so it was really probed");
    }
}
