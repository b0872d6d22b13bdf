using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace DaprPlatform.Monetary;

/// <summary>
/// An ISO 4217 currency the platform accepts, with its number of minor-unit digits (JPY 0, USD 2, KWD 3).
/// The list is the currencies Stripe settles, so every price we quote can be charged.
/// </summary>
public sealed record Currency
{
    private Currency(string code, int minorUnitDigits)
    {
        Code = code;
        MinorUnitDigits = minorUnitDigits;
    }

    /// <summary>Upper-case ISO 4217 code, e.g. <c>EUR</c>.</summary>
    public string Code { get; }

    /// <summary>Digits after the decimal point: 0 for zero-decimal currencies, 2 for most, 3 for a few.</summary>
    public int MinorUnitDigits { get; }

    /// <summary>How many minor units make one major unit (1, 100 or 1000).</summary>
    public long MinorUnitsPerMajorUnit => MinorUnitDigits switch { 0 => 1, 2 => 100, _ => 1000 };

    public static Currency Usd { get; } = new("USD", 2);
    public static Currency Eur { get; } = new("EUR", 2);
    public static Currency Jpy { get; } = new("JPY", 0);

    // Zero-decimal and three-decimal currencies as ISO 4217 defines them (and Stripe charges them); the rest have two.
    private static readonly FrozenDictionary<string, Currency> Known = BuildTable();

    /// <summary>Every accepted currency code, sorted.</summary>
    public static IReadOnlyList<string> Codes { get; } = [.. Known.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Parses a code in any case (<c>usd</c>, <c>USD</c>); null for an unknown or malformed code.</summary>
    public static bool TryParse(string? code, [NotNullWhen(true)] out Currency? currency)
    {
        currency = null;
        if (string.IsNullOrWhiteSpace(code) || code.Length != 3) { return false; }
        return Known.TryGetValue(code.ToUpperInvariant(), out currency);
    }

    /// <summary>Like <see cref="TryParse"/> but throws <see cref="ArgumentException"/>; for values already validated.</summary>
    public static Currency Parse(string code) =>
        TryParse(code, out var currency) ? currency : throw new ArgumentException($"'{code}' is not a supported ISO 4217 currency code.", nameof(code));

    public override string ToString() => Code;

    private static FrozenDictionary<string, Currency> BuildTable()
    {
        string[] zeroDecimal = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
        string[] threeDecimal = ["BHD", "JOD", "KWD", "OMR", "TND"];
        string[] twoDecimal =
        [
            "AED", "AUD", "BGN", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EGP", "EUR", "GBP", "HKD", "HUF", "IDR", "ILS",
            "INR", "ISK", "KZT", "MXN", "MYR", "NOK", "NZD", "PHP", "PLN", "RON", "RSD", "SAR", "SEK", "SGD", "THB", "TRY",
            "TWD", "UAH", "USD", "ZAR",
        ];
        var table = new Dictionary<string, Currency>(StringComparer.Ordinal);
        foreach (var code in zeroDecimal) { table[code] = code == "JPY" ? Jpy : new Currency(code, 0); }
        foreach (var code in threeDecimal) { table[code] = new Currency(code, 3); }
        foreach (var code in twoDecimal) { table[code] = code switch { "USD" => Usd, "EUR" => Eur, _ => new Currency(code, 2) }; }
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
