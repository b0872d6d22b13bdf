namespace DaprPlatform.Conformance.Tests;

/// <summary>DaprClient's secrets API against secretstores.local.file with nestedSeparator ":" (pkg/api/universal/secrets.go).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SecretTests(ConformanceFixture fixture)
{
    private const string Store = ConformanceFixture.SecretStore;
    private DaprClient Client => fixture.Client;

    [Fact]
    public async Task GetSecret_returns_the_key_mapped_to_its_value()
    {
        (await Client.GetSecretAsync(Store, "db-password")).Should().Equal(new Dictionary<string, string> { ["db-password"] = "s3cret" });
    }

    [Fact]
    public async Task A_nested_JSON_key_is_read_with_the_nested_separator()
    {
        (await Client.GetSecretAsync(Store, "api:key")).Should().Equal(new Dictionary<string, string> { ["api:key"] = "k-123" });
    }

    [Fact]
    public async Task GetSecret_of_a_missing_key_fails_with_Internal_ERR_SECRET_GET()
    {
        // The local file store answers "secret … not found"; daprd wraps it as ErrSecretGet: gRPC Internal (pkg/messages/predefined.go).
        await DaprAssertions.ShouldFailWithAsync(() => Client.GetSecretAsync(Store, "no-such-secret"), StatusCode.Internal);
    }

    [Fact]
    public async Task GetSecret_from_an_unknown_store_fails_with_InvalidArgument_ERR_SECRET_STORE_NOT_FOUND()
    {
        await DaprAssertions.ShouldFailWithAsync(() => Client.GetSecretAsync("no-such-store", "db-password"), StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task GetBulkSecret_returns_every_secret_each_as_its_own_key_value_map()
    {
        var all = await Client.GetBulkSecretAsync(Store);

        all.Keys.Should().BeEquivalentTo(["db-password", "api:key", "api:region"]);
        all["db-password"].Should().Equal(new Dictionary<string, string> { ["db-password"] = "s3cret" });
        all["api:region"].Should().Equal(new Dictionary<string, string> { ["api:region"] = "eu" });
    }
}
