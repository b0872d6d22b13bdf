namespace DaprPlatform.Monetary.Tests;

public sealed class CurrencyTests
{
    [Theory]
    [InlineData("USD", 2, 100)]
    [InlineData("EUR", 2, 100)]
    [InlineData("JPY", 0, 1)]
    [InlineData("KRW", 0, 1)]
    [InlineData("KWD", 3, 1000)]
    [InlineData("BHD", 3, 1000)]
    public void Minor_units_follow_ISO_4217(string code, int digits, long perMajor)
    {
        var currency = Currency.Parse(code);

        currency.Code.Should().Be(code);
        currency.MinorUnitDigits.Should().Be(digits);
        currency.MinorUnitsPerMajorUnit.Should().Be(perMajor);
    }

    [Theory]
    [InlineData("usd", "USD")]
    [InlineData("Jpy", "JPY")]
    [InlineData("kwd", "KWD")]
    public void Parsing_ignores_case_and_returns_the_upper_case_code(string input, string code)
    {
        Currency.TryParse(input, out var currency).Should().BeTrue();
        currency!.Code.Should().Be(code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("US")]
    [InlineData("USDD")]
    [InlineData("XXX")]
    [InlineData("ABC")]
    [InlineData(" USD")]
    public void Unknown_or_malformed_codes_are_rejected(string? input)
    {
        Currency.TryParse(input, out var currency).Should().BeFalse();
        currency.Should().BeNull();
        var parse = () => Currency.Parse(input!);
        parse.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Parsed_currencies_are_equal_to_the_well_known_instances()
    {
        Currency.Parse("usd").Should().Be(Currency.Usd);
        Currency.Parse("JPY").Should().BeSameAs(Currency.Jpy);
        Currency.Parse("GBP").Should().Be(Currency.Parse("gbp"));
        Currency.Parse("GBP").Should().NotBe(Currency.Usd);
    }

    [Fact]
    public void Codes_are_sorted_unique_and_all_parse()
    {
        Currency.Codes.Should().BeInAscendingOrder(StringComparer.Ordinal).And.OnlyHaveUniqueItems();
        Currency.Codes.Should().Contain(["USD", "EUR", "JPY", "KWD"]);
        Currency.Codes.Should().AllSatisfy(code => Currency.Parse(code).Code.Should().Be(code));
    }
}
