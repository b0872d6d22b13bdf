using DaprPlatform.Identity.Infrastructure;

namespace DaprPlatform.Identity.Tests.Infrastructure;

public sealed class PasswordHasherTests
{
    private readonly Pbkdf2PasswordHasher _hasher = new();

    [Fact]
    public void Hash_is_self_describing_pbkdf2_sha256_with_600k_iterations_and_a_random_salt()
    {
        var first = _hasher.Hash("Correct horse 1");
        var second = _hasher.Hash("Correct horse 1");

        var parts = first.Split('$');
        parts.Should().HaveCount(4);
        parts[0].Should().Be("pbkdf2-sha256");
        int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(600_000);
        Convert.FromBase64String(parts[2]).Should().HaveCount(16);
        Convert.FromBase64String(parts[3]).Should().HaveCount(32);
        second.Should().NotBe(first, "every hash gets its own salt");
        Pbkdf2PasswordHasher.NeedsRehash(first).Should().BeFalse();
    }

    [Fact]
    public void Verifies_the_right_password_only()
    {
        var hash = _hasher.Hash("Correct horse 1");
        _hasher.Verify("Correct horse 1", hash).Should().BeTrue();
        _hasher.Verify("correct horse 1", hash).Should().BeFalse();
        _hasher.Verify("Correct horse 1", "garbage").Should().BeFalse();
        _hasher.VerifyAgainstDecoy("Correct horse 1").Should().BeFalse();
    }

    [Fact]
    public void Old_lower_iteration_hashes_still_verify_and_are_flagged_for_rehash()
    {
        var salt = new byte[16];
        var legacy = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(
            "Correct horse 1"u8.ToArray(), salt, 1000, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        var stored = $"pbkdf2-sha256$1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(legacy)}";

        _hasher.Verify("Correct horse 1", stored).Should().BeTrue();
        Pbkdf2PasswordHasher.NeedsRehash(stored).Should().BeTrue();
    }
}
