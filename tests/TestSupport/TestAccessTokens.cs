using System.Security.Claims;
using System.Security.Cryptography;
using DaprPlatform.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.TestSupport;

/// <summary>Issues access tokens the way identity does, with a key the test controls.</summary>
public sealed class TestAccessTokens
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly string _issuer;
    private readonly string _audience;
    private readonly JsonWebTokenHandler _handler = new();

    public TestAccessTokens(string issuer = "daprplatform-identity", string audience = "daprplatform")
    {
        _issuer = issuer;
        _audience = audience;
        KeyId = $"test-{Guid.NewGuid():N}";
        _key = new RsaSecurityKey(_rsa) { KeyId = KeyId };
        var publicKey = new RsaSecurityKey(_rsa.ExportParameters(includePrivateParameters: false)) { KeyId = KeyId };
        KeySource = new FixedKeySource([publicKey]);
    }

    public string KeyId { get; }

    public IAccessTokenKeySource KeySource { get; }

    public string PrivateKeyPem => _rsa.ExportPkcs8PrivateKeyPem();

    public string Issue(Guid userId, string role, string email = "user@example.com", string name = "Test User", TimeSpan? lifetime = null, DateTimeOffset? now = null)
        => Sign(_key, userId, role, email, name, lifetime ?? TimeSpan.FromMinutes(15), now ?? DateTimeOffset.UtcNow);

    public string IssueExpired(Guid userId, string role)
        => Sign(_key, userId, role, "user@example.com", "Test User", TimeSpan.FromMinutes(15), DateTimeOffset.UtcNow.AddHours(-2));

    public string IssueWithForeignKey(Guid userId, string role)
    {
        using var foreign = RSA.Create(2048);
        // Same key id as the trusted key: a forger would copy it; only the signature can tell them apart.
        return Sign(new RsaSecurityKey(foreign) { KeyId = KeyId }, userId, role, "user@example.com", "Test User", TimeSpan.FromMinutes(15), DateTimeOffset.UtcNow);
    }

    public string IssueUnsigned(Guid userId, string role)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(
            $$"""{"sub":"{{userId}}","role":"{{role}}","iss":"{{_issuer}}","aud":"{{_audience}}","iat":{{now.ToUnixTimeSeconds()}},"nbf":{{now.ToUnixTimeSeconds()}},"exp":{{now.AddMinutes(15).ToUnixTimeSeconds()}}}""");
        return $"{header}.{payload}.";
    }

    private string Sign(SecurityKey key, Guid userId, string role, string email, string name, TimeSpan lifetime, DateTimeOffset now) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = _audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim(PlatformClaims.Subject, userId.ToString()),
                new Claim(PlatformClaims.Role, role),
                new Claim(PlatformClaims.Email, email),
                new Claim(PlatformClaims.Name, name),
                new Claim(PlatformClaims.TokenId, Convert.ToHexString(RandomNumberGenerator.GetBytes(8))),
            ]),
        });

    private sealed class FixedKeySource(IReadOnlyCollection<SecurityKey> keys) : IAccessTokenKeySource
    {
        public Task<IReadOnlyCollection<SecurityKey>> GetSigningKeysAsync(bool forceRefresh, CancellationToken ct) => Task.FromResult(keys);
    }
}
