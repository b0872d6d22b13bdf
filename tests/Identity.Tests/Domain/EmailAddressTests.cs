using DaprPlatform.Identity.Domain;

namespace DaprPlatform.Identity.Tests.Domain;

public sealed class EmailAddressTests
{
    [Fact]
    public void Trims_and_keeps_case_but_normalizes_to_lower_case()
    {
        EmailAddress.TryCreate("  Ann.Smith@Example.COM \t", out var email, out var error).Should().BeTrue();
        error.Should().BeNull();
        email!.Value.Should().Be("Ann.Smith@Example.COM");
        email.Normalized.Should().Be("ann.smith@example.com");
        EmailAddress.Normalize(" ANN.smith@example.com ").Should().Be(email.Normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("ann@")]
    [InlineData("ann@example")]
    [InlineData("ann@@example.com")]
    [InlineData("ann smith@example.com")]
    [InlineData(".ann@example.com")]
    [InlineData("ann..smith@example.com")]
    [InlineData("ann@-example.com")]
    [InlineData("ann@example..com")]
    [InlineData("Ann <ann@example.com>")]
    public void Rejects_malformed_addresses(string? raw)
    {
        EmailAddress.TryCreate(raw, out var email, out var error).Should().BeFalse();
        email.Should().BeNull();
        error.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void Enforces_length_limits()
    {
        var domain = "@" + string.Join('.', Enumerable.Repeat(new string('d', 60), 4)) + ".com";
        var longest = new string('a', EmailAddress.MaxLength - domain.Length) + domain;
        longest.Should().HaveLength(254);
        EmailAddress.TryCreate(longest, out _, out _).Should().BeTrue();
        EmailAddress.TryCreate("a" + longest, out _, out var tooLong).Should().BeFalse();
        tooLong.Should().Contain("254");
        EmailAddress.TryCreate(new string('a', 65) + "@example.com", out _, out var localTooLong).Should().BeFalse();
        localTooLong.Should().Contain("64");
    }
}
