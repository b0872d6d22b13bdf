using DaprPlatform.Identity.Domain;

namespace DaprPlatform.Identity.Tests.Domain;

public sealed class DisplayNameTests
{
    [Theory]
    [InlineData("  Ann  ", "Ann")]
    [InlineData("A", "A")]
    public void Trims_valid_names(string raw, string expected)
    {
        DisplayName.TryNormalize(raw, out var value, out _).Should().BeTrue();
        value.Should().Be(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("Ann\u0000Smith")]
    public void Rejects_empty_or_control_characters(string? raw) =>
        DisplayName.TryNormalize(raw, out _, out _).Should().BeFalse();

    [Fact]
    public void Allows_100_but_not_101_characters()
    {
        DisplayName.TryNormalize(new string('n', 100), out _, out _).Should().BeTrue();
        DisplayName.TryNormalize(new string('n', 101), out _, out var error).Should().BeFalse();
        error.Should().Contain("100");
    }
}
