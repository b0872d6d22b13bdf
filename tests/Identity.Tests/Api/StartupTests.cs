using Microsoft.AspNetCore.Mvc.Testing;

namespace DaprPlatform.Identity.Tests.Api;

public sealed class StartupTests
{
    // Fails before touching the database, so the connection string only has to be well-formed.
    private const string UnusedDatabase = "Host=127.0.0.1;Port=1;Database=unused;Username=unused";

    [Fact]
    public void Start_up_fails_naming_the_missing_signing_key_settings()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            web.UseSetting("ConnectionStrings:identity", UnusedDatabase));

        var start = () => factory.Server;

        start.Should().Throw<InvalidOperationException>()
            .Which.Message.Should().Contain("jwt:signingKey").And.Contain("jwt:keyId");
    }

    [Fact]
    public void Start_up_fails_when_the_signing_key_is_not_an_rsa_private_key()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:identity", UnusedDatabase);
            web.UseSetting("jwt:signingKey", rsa.ExportSubjectPublicKeyInfoPem());
            web.UseSetting("jwt:keyId", "k1");
        });

        var start = () => factory.Server;

        start.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("RSA private key");
    }
}
