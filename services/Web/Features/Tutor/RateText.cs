using System.Globalization;
using DaprPlatform.Monetary;

namespace DaprPlatform.Web.Features.Tutor;

/// <summary>
/// The hourly rate as the person types it, in their locale ("40.00" in en-US, "40,00" in de-DE), to and from minor units
/// on the wire (<c>{"amount":4000,"currency":"USD"}</c>).
/// </summary>
public static class RateText
{
    /// <summary>The amount for the input box: the currency's decimals, no grouping (so it reads back as typed).</summary>
    public static string Format(MoneyBody rate, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(rate);
        if (!Currency.TryParse(rate.Currency, out var currency))
        {
            return rate.Amount.ToString(CultureInfo.InvariantCulture);
        }

        var major = (decimal)rate.Amount / currency.MinorUnitsPerMajorUnit;
        return major.ToString("F" + currency.MinorUnitDigits.ToString(CultureInfo.InvariantCulture), culture);
    }

    /// <summary>Minor units of <paramref name="currencyCode"/>, or null with the reason (range checks are tutoring's).</summary>
    public static MoneyBody? TryParse(string? text, string currencyCode, CultureInfo culture, out string? error)
    {
        error = null;
        if (!Currency.TryParse(currencyCode, out var currency))
        {
            error = "Choose a currency.";
            return null;
        }

        var example = 40m.ToString("F" + currency.MinorUnitDigits.ToString(CultureInfo.InvariantCulture), culture);
        if (string.IsNullOrWhiteSpace(text)
            || !decimal.TryParse(text.Trim(), NumberStyles.Number, culture, out var major))
        {
            error = $"Enter the hourly rate as a number, e.g. {example}.";
            return null;
        }

        var minor = major * currency.MinorUnitsPerMajorUnit;
        if (minor != decimal.Truncate(minor))
        {
            error = currency.MinorUnitDigits == 0
                ? $"{currency.Code} has no smaller unit: enter a whole number, e.g. {example}."
                : $"{currency.Code} has {currency.MinorUnitDigits} decimal places at most, e.g. {example}.";
            return null;
        }

        if (minor > long.MaxValue || minor < long.MinValue)
        {
            error = "That rate is too large.";
            return null;
        }

        return new MoneyBody((long)minor, currency.Code);
    }
}
