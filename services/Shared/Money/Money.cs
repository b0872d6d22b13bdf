using System.Globalization;

namespace DaprPlatform.Monetary;

/// <summary>
/// An amount in minor units of one currency (USD 45.00 is 4500; JPY 4500 is 4500). All arithmetic stays in whole
/// minor units, so no binary fraction ever reaches a price, a charge or a refund.
/// </summary>
public readonly record struct Money
{
    public Money(long minorUnits, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        MinorUnits = minorUnits;
        Currency = currency;
    }

    public long MinorUnits { get; }

    public Currency Currency { get; }

    public static Money Zero(Currency currency) => new(0, currency);

    public bool IsNegative => MinorUnits < 0;

    public bool IsZero => MinorUnits == 0;

    public Money Add(Money other) => new(checked(MinorUnits + SameCurrency(other).MinorUnits), Currency);

    public Money Subtract(Money other) => new(checked(MinorUnits - SameCurrency(other).MinorUnits), Currency);

    /// <summary>
    /// This amount times <paramref name="numerator"/>/<paramref name="denominator"/>, rounded half away from zero to a
    /// whole minor unit — e.g. an hourly rate for 45 minutes is <c>rate.Multiply(45, 60)</c>.
    /// </summary>
    public Money Multiply(long numerator, long denominator) => Multiply(numerator, denominator, MidpointRounding.AwayFromZero);

    /// <summary>This amount times a fraction, rounded to a whole minor unit with the given rule (refunds round down: <see cref="MidpointRounding.ToZero"/>).</summary>
    public Money Multiply(long numerator, long denominator, MidpointRounding rounding)
    {
        if (denominator <= 0) { throw new ArgumentOutOfRangeException(nameof(denominator), "The denominator must be positive."); }
        // Int128 keeps the exact product; decimal division of two exact integers then rounds only once.
        var product = (Int128)MinorUnits * numerator;
        var quotient = (decimal)product / denominator;
        return new Money(checked((long)Math.Round(quotient, 0, rounding)), Currency);
    }

    /// <summary>The amount in major units as text with the currency's digits, e.g. <c>45.00</c>, <c>4500</c>, <c>1.250</c>.</summary>
    public string ToMajorUnitString()
    {
        var major = (decimal)MinorUnits / Currency.MinorUnitsPerMajorUnit;
        return major.ToString("F" + Currency.MinorUnitDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    public override string ToString() => $"{ToMajorUnitString()} {Currency.Code}";

    public static bool operator <(Money left, Money right) => left.MinorUnits < left.SameCurrency(right).MinorUnits;

    public static bool operator >(Money left, Money right) => left.MinorUnits > left.SameCurrency(right).MinorUnits;

    public static bool operator <=(Money left, Money right) => left.MinorUnits <= left.SameCurrency(right).MinorUnits;

    public static bool operator >=(Money left, Money right) => left.MinorUnits >= left.SameCurrency(right).MinorUnits;

    private Money SameCurrency(Money other) =>
        other.Currency == Currency ? other : throw new InvalidOperationException($"Cannot combine {Currency.Code} with {other.Currency.Code}.");
}
