namespace DaprPlatform.Monetary.Tests;

public sealed class MoneyTests
{
    private static Money Usd(long cents) => new(cents, Currency.Usd);

    private static Money Jpy(long yen) => new(yen, Currency.Jpy);

    [Fact]
    public void Construction_requires_a_currency()
    {
        var create = () => new Money(100, null!);
        create.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Add_and_subtract_stay_in_minor_units()
    {
        Usd(4500).Add(Usd(1)).Should().Be(Usd(4501));
        Usd(4500).Subtract(Usd(4501)).Should().Be(Usd(-1));
        Usd(-1).IsNegative.Should().BeTrue();
        Money.Zero(Currency.Jpy).IsZero.Should().BeTrue();
    }

    [Fact]
    public void Arithmetic_overflow_throws_instead_of_wrapping()
    {
        var add = () => Usd(long.MaxValue).Add(Usd(1));
        add.Should().Throw<OverflowException>();
    }

    [Fact]
    public void Combining_currencies_throws()
    {
        var add = () => Usd(100).Add(Jpy(100));
        var subtract = () => Usd(100).Subtract(Jpy(100));
        var compare = () => Usd(100) < Jpy(100);
        var compareOrEqual = () => Usd(100) >= Jpy(100);

        add.Should().Throw<InvalidOperationException>().WithMessage("*USD*JPY*");
        subtract.Should().Throw<InvalidOperationException>();
        compare.Should().Throw<InvalidOperationException>();
        compareOrEqual.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Comparisons_within_a_currency()
    {
        (Usd(1) < Usd(2)).Should().BeTrue();
        (Usd(2) > Usd(1)).Should().BeTrue();
        (Usd(2) <= Usd(2)).Should().BeTrue();
        (Usd(2) >= Usd(3)).Should().BeFalse();
        Usd(2).Should().NotBe(Jpy(2));
    }

    [Theory]
    // amount, numerator, denominator, rounding, expected
    [InlineData(4500, 45, 60, MidpointRounding.AwayFromZero, 3375)]
    [InlineData(1, 1, 2, MidpointRounding.AwayFromZero, 1)]
    [InlineData(1, 1, 2, MidpointRounding.ToEven, 0)]
    [InlineData(1, 1, 2, MidpointRounding.ToZero, 0)]
    [InlineData(3, 1, 2, MidpointRounding.ToEven, 2)]
    [InlineData(999, 50, 100, MidpointRounding.ToZero, 499)]
    [InlineData(999, 50, 100, MidpointRounding.AwayFromZero, 500)]
    [InlineData(1999, 2, 3, MidpointRounding.ToZero, 1332)]
    [InlineData(-999, 50, 100, MidpointRounding.ToZero, -499)]
    [InlineData(-999, 50, 100, MidpointRounding.AwayFromZero, -500)]
    [InlineData(100, 0, 7, MidpointRounding.ToZero, 0)]
    public void Multiply_rounds_once_with_the_given_rule(long amount, long numerator, long denominator, MidpointRounding rounding, long expected)
    {
        Usd(amount).Multiply(numerator, denominator, rounding).Should().Be(Usd(expected));
    }

    [Fact]
    public void Multiply_defaults_to_half_away_from_zero_and_keeps_the_currency()
    {
        // 2500 yen an hour for 45 minutes: 1875 exactly; 333 yen an hour for 45 minutes: 249.75 → 250.
        Jpy(2500).Multiply(45, 60).Should().Be(Jpy(1875));
        Jpy(333).Multiply(45, 60).Should().Be(Jpy(250));
        Jpy(2).Multiply(1, 4).Should().Be(Jpy(1)); // 0.5 → 1
    }

    [Fact]
    public void Multiply_is_exact_for_large_amounts()
    {
        // The product exceeds long.MaxValue; the quotient does not, and must come out exact.
        var large = Usd(long.MaxValue / 2);
        large.Multiply(3, 3).Should().Be(large);
    }

    [Fact]
    public void Multiply_rejects_non_positive_denominators_and_results_that_overflow()
    {
        var zero = () => Usd(100).Multiply(1, 0);
        var negative = () => Usd(100).Multiply(1, -2, MidpointRounding.ToZero);
        var overflow = () => Usd(long.MaxValue).Multiply(2, 1);

        zero.Should().Throw<ArgumentOutOfRangeException>();
        negative.Should().Throw<ArgumentOutOfRangeException>();
        overflow.Should().Throw<OverflowException>();
    }

    [Theory]
    [InlineData(4500, "USD", "45.00")]
    [InlineData(5, "USD", "0.05")]
    [InlineData(-1250, "EUR", "-12.50")]
    [InlineData(4500, "JPY", "4500")]
    [InlineData(1250, "KWD", "1.250")]
    [InlineData(1, "KWD", "0.001")]
    [InlineData(0, "BHD", "0.000")]
    public void Major_unit_text_has_the_currency_digits(long minorUnits, string code, string expected)
    {
        var money = new Money(minorUnits, Currency.Parse(code));

        money.ToMajorUnitString().Should().Be(expected);
        money.ToString().Should().Be($"{expected} {code}");
    }

    [Fact]
    public void Major_unit_text_ignores_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // The build runs globalization-invariant, so a comma-decimal culture is made by hand.
            var commaDecimal = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            commaDecimal.NumberFormat.NumberDecimalSeparator = ",";
            commaDecimal.NumberFormat.NumberGroupSeparator = ".";
            System.Globalization.CultureInfo.CurrentCulture = commaDecimal;
            Usd(123456).ToMajorUnitString().Should().Be("1234.56");
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}
