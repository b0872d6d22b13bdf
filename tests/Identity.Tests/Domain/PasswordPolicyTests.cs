using DaprPlatform.Identity.Domain;

namespace DaprPlatform.Identity.Tests.Domain;

public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData("correct horse battery 9")]
    [InlineData("Abcdefghij")]
    [InlineData("abcdefghi1")]
    [InlineData("pass phrase with spaces")]
    public void Accepts_long_enough_passwords_mixing_two_classes(string password) =>
        PasswordPolicy.Check(password).Should().BeEmpty();

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("Abc12345!", "at least 10")]
    [InlineData("abcdefghijkl", "mix at least two")]
    [InlineData("ABCDEFGHIJKL", "mix at least two")]
    [InlineData("123456789012", "mix at least two")]
    [InlineData("aaaaaaaaaaaa", "single repeated")]
    public void Rejects_weak_passwords(string? password, string expectedFragment) =>
        PasswordPolicy.Check(password).Should().Contain(p => p.Contains(expectedFragment, StringComparison.Ordinal));

    [Fact]
    public void Rejects_passwords_over_128_characters()
    {
        PasswordPolicy.Check(new string('a', 128) + "B").Should().ContainSingle(p => p.Contains("at most 128", StringComparison.Ordinal));
        PasswordPolicy.Check(new string('a', 127) + "B").Should().BeEmpty();
    }

    [Fact]
    public void Rejects_the_email_address_as_password() =>
        PasswordPolicy.Check("Ann@Example.com", "ann@example.com").Should().Contain(p => p.Contains("email", StringComparison.Ordinal));
}
