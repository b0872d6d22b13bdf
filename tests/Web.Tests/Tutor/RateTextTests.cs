using System.Globalization;
using DaprPlatform.Web.Features.Tutor;

namespace DaprPlatform.Web.Tests.Tutor;

public sealed class RateTextTests
{
    [Theory]
    [InlineData("en-US", "40.00", "USD", 4000)]
    [InlineData("en-US", "1,250.5", "USD", 125050)]
    [InlineData("de-DE", "40,00", "EUR", 4000)]
    [InlineData("de-DE", "1.250,50", "EUR", 125050)]
    [InlineData("en-US", "4500", "JPY", 4500)]
    [InlineData("en-US", " 0 ", "USD", 0)]
    public void The_rate_as_typed_in_the_persons_locale_becomes_minor_units(string culture, string text, string currency, long minorUnits)
    {
        RateText.TryParse(text, currency, CultureInfo.GetCultureInfo(culture), out var error)
            .Should().Be(new MoneyBody(minorUnits, currency));
        error.Should().BeNull();
    }

    [Theory]
    [InlineData("", "USD", "Enter the hourly rate as a number, e.g. 40.00.")]
    [InlineData("forty", "USD", "Enter the hourly rate as a number, e.g. 40.00.")]
    [InlineData("40.005", "USD", "USD has 2 decimal places at most, e.g. 40.00.")]
    [InlineData("40.5", "JPY", "JPY has no smaller unit: enter a whole number, e.g. 40.")]
    [InlineData("40", "XXX", "Choose a currency.")]
    public void What_cannot_be_a_rate_says_why(string text, string currency, string message)
    {
        RateText.TryParse(text, currency, CultureInfo.GetCultureInfo("en-US"), out var error).Should().BeNull();
        error.Should().Be(message);
    }

    [Fact]
    public void A_rate_is_shown_for_editing_with_the_currencys_decimals_in_the_persons_locale()
    {
        RateText.Format(new MoneyBody(4000, "USD"), CultureInfo.GetCultureInfo("en-US")).Should().Be("40.00");
        RateText.Format(new MoneyBody(125050, "EUR"), CultureInfo.GetCultureInfo("de-DE")).Should().Be("1250,50");
        RateText.Format(new MoneyBody(4500, "JPY"), CultureInfo.GetCultureInfo("en-US")).Should().Be("4500");
    }
}
