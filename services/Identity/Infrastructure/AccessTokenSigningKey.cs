using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Identity.Infrastructure;

/// <summary>
/// The RSA key identity signs access tokens with. The PEM comes from configuration key <c>jwt:signingKey</c>
/// (filled from the secret store in real runs) and the key id from <c>jwt:keyId</c>.
/// </summary>
public sealed class AccessTokenSigningKey : IDisposable
{
    public const string SigningKeyConfigKey = "jwt:signingKey";
    public const string KeyIdConfigKey = "jwt:keyId";
    private const int MinKeySizeBits = 2048;

    private readonly RSA _rsa;

    public AccessTokenSigningKey(string privateKeyPem, string keyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(privateKeyPem);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        _rsa = RSA.Create();
        try
        {
            _rsa.ImportFromPem(privateKeyPem);
            // Exporting the private parameters proves the PEM held a private key and not just a public one.
            _ = _rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            _rsa.Dispose();
            throw new InvalidOperationException($"Configuration '{SigningKeyConfigKey}' must be an RSA private key in PEM format.", e);
        }

        if (_rsa.KeySize < MinKeySizeBits)
        {
            _rsa.Dispose();
            throw new InvalidOperationException($"Configuration '{SigningKeyConfigKey}' must be an RSA key of at least {MinKeySizeBits} bits.");
        }

        KeyId = keyId;
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256);
        var publicParameters = _rsa.ExportParameters(includePrivateParameters: false);
        PublicParameters = publicParameters;
        PublicKey = new RsaSecurityKey(publicParameters) { KeyId = keyId };
    }

    public string KeyId { get; }
    public SigningCredentials SigningCredentials { get; }
    public RsaSecurityKey PublicKey { get; }
    public RSAParameters PublicParameters { get; }

    /// <summary>Fails start-up with a message that names the missing setting rather than at the first login.</summary>
    public static AccessTokenSigningKey FromConfiguration(IConfiguration configuration)
    {
        var pem = configuration[SigningKeyConfigKey];
        var keyId = configuration[KeyIdConfigKey];
        var missing = new[] { (SigningKeyConfigKey, pem), (KeyIdConfigKey, keyId) }
            .Where(s => string.IsNullOrWhiteSpace(s.Item2))
            .Select(s => s.Item1)
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Identity cannot sign access tokens: configuration {string.Join(" and ", missing.Select(m => $"'{m}'"))} missing. "
                + "Put the RSA private key (PEM) and its key id in the secret store (secret 'jwt' with keys 'signingKey' and 'keyId') "
                + "or set environment variables jwt__signingKey / jwt__keyId.");
        }

        return new AccessTokenSigningKey(pem!, keyId!);
    }

    public void Dispose() => _rsa.Dispose();
}
