using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace DaprPlatform.Identity.Domain;

/// <summary>The refresh token handed to clients: 256 random bits, base64url without padding (43 characters).</summary>
public static class RefreshTokenSecret
{
    public const int SecretLength = 32;
    public const int HashLength = 32;
    public const int EncodedLength = 43;

    public static (string Token, byte[] Hash) Generate()
    {
        Span<byte> secret = stackalloc byte[SecretLength];
        RandomNumberGenerator.Fill(secret);
        var token = Base64Url.EncodeToString(secret);
        return (token, Hash(token));
    }

    /// <summary>
    /// A plain (unsalted) SHA-256 is enough: the input is 256 random bits, so there is nothing to brute-force,
    /// and a deterministic hash lets us find the row by index.
    /// </summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    /// <summary>Rejects anything that cannot be a token we issued before touching the database.</summary>
    public static bool IsWellFormed(string? token)
    {
        return token is { Length: EncodedLength }
            && Base64Url.IsValid(token, out var decodedLength)
            && decodedLength == SecretLength;
    }
}
