using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DaprPlatform.Identity.Infrastructure;

/// <summary>
/// PBKDF2-HMAC-SHA256 with 600,000 iterations (OWASP 2023 guidance), 16-byte salt, 32-byte hash.
/// Stored as <c>pbkdf2-sha256$iterations$salt$hash</c> (base64) so the iteration count can be raised later
/// without invalidating existing hashes (<see cref="NeedsRehash"/>).
/// </summary>
public sealed class Pbkdf2PasswordHasher
{
    public const int Iterations = 600_000;
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltLength = 16;
    private const int HashLength = 32;

    // A hash of a password nobody knows: verifying against it when the email is unknown makes a failed login
    // cost the same as a wrong password, so response time does not reveal which emails have accounts.
    private readonly Lazy<string> _decoyHash;

    public Pbkdf2PasswordHasher()
    {
        _decoyHash = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
    }

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashLength);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public bool Verify(string password, string storedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(storedHash);
        var parts = storedHash.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations <= 0)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Burns the same CPU as a real verification; always false.</summary>
    public bool VerifyAgainstDecoy(string password)
    {
        _ = Verify(password, _decoyHash.Value);
        return false;
    }

    public static bool NeedsRehash(string storedHash)
    {
        var parts = storedHash.Split('$');
        return parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < Iterations;
    }
}
