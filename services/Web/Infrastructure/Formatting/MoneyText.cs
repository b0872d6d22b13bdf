using System.Collections.Frozen;
using System.Globalization;
using DaprPlatform.Monetary;

namespace DaprPlatform.Web.Infrastructure.Formatting;

/// <summary>
/// Money as the person's locale writes it (digit grouping, decimal sign, symbol position) with the currency's own symbol and
/// minor digits: 4000 USD is "$40.00" for en-US and "40,00 $" for de-DE.
/// </summary>
public static class MoneyText
{
    private static readonly FrozenDictionary<string, string> Symbols = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name); } catch (ArgumentException) { return null; } })
        .Where(r => r is not null)
        .GroupBy(r => r!.ISOCurrencySymbol, StringComparer.Ordinal)
        // The shortest symbol is the one people know ("$" rather than "US$").
        .ToFrozenDictionary(g => g.Key, g => g.Select(r => r!.CurrencySymbol).OrderBy(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).First(), StringComparer.Ordinal);

    public static string Format(long minorUnits, string currencyCode, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        if (!Currency.TryParse(currencyCode, out var currency))
        {
            return $"{minorUnits.ToString("N0", culture)} {currencyCode}";
        }

        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = Symbols.GetValueOrDefault(currency.Code, currency.Code);
        format.CurrencyDecimalDigits = currency.MinorUnitDigits;
        var major = (decimal)minorUnits / currency.MinorUnitsPerMajorUnit;
        return major.ToString("C", format);
    }

    public static string Format(Money money, CultureInfo? culture = null) => Format(money.MinorUnits, money.Currency.Code, culture);
}
