using System.Collections.Frozen;
using System.Globalization;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// The presentment currencies the stand-in charges (the platform's ISO 4217 list, lower-case as Stripe wants them) with
/// Stripe's amount rules from "Supported currencies": amounts in the minor unit, zero-decimal currencies without
/// multiplying, three-decimal currencies rounded to a multiple of ten, up to eight digits, and the published minimum
/// charge per currency.
/// </summary>
internal static class StripeCurrencies
{
    /// <summary>"The amount value supports up to eight digits."</summary>
    public const long MaxAmount = 99_999_999;

    /// <param name="Decimals">Minor-unit digits as Stripe's API counts them.</param>
    /// <param name="MinimumCharge">In minor units; Stripe's table, or 1 where Stripe only says "the equivalent of $0.50" (a rate the stand-in cannot know).</param>
    public sealed record Rule(string Code, int Decimals, long MinimumCharge);

    private static readonly FrozenDictionary<string, Rule> Rules = new Rule[]
    {
        new("usd", 2, 50), new("aed", 2, 200), new("aud", 2, 50), new("bgn", 2, 100), new("brl", 2, 50), new("cad", 2, 50),
        new("chf", 2, 50), new("czk", 2, 1500), new("dkk", 2, 250), new("eur", 2, 50), new("gbp", 2, 30), new("hkd", 2, 400),
        new("huf", 2, 17500), new("inr", 2, 50), new("jpy", 0, 50), new("mxn", 2, 1000), new("myr", 2, 200), new("nok", 2, 300),
        new("nzd", 2, 50), new("pln", 2, 200), new("ron", 2, 200), new("sek", 2, 300), new("sgd", 2, 50), new("thb", 2, 1000),
        new("cny", 2, 1), new("egp", 2, 1), new("idr", 2, 1), new("ils", 2, 1), new("isk", 2, 1), new("kzt", 2, 1),
        new("php", 2, 1), new("rsd", 2, 1), new("sar", 2, 1), new("try", 2, 1), new("twd", 2, 1), new("uah", 2, 1), new("zar", 2, 1),
        new("bif", 0, 1), new("clp", 0, 1), new("djf", 0, 1), new("gnf", 0, 1), new("kmf", 0, 1), new("krw", 0, 1), new("mga", 0, 1),
        new("pyg", 0, 1), new("rwf", 0, 1), new("ugx", 0, 1), new("vnd", 0, 1), new("vuv", 0, 1), new("xaf", 0, 1), new("xof", 0, 1),
        new("xpf", 0, 1), new("bhd", 3, 10), new("jod", 3, 10), new("kwd", 3, 10), new("omr", 3, 10), new("tnd", 3, 10),
    }.ToFrozenDictionary(r => r.Code, StringComparer.Ordinal);

    public static IEnumerable<string> Codes => Rules.Keys.Order(StringComparer.Ordinal);

    /// <summary>Stripe wants currencies lower-case; an upper-case code is invalid like any unknown one.</summary>
    public static Rule? Find(string code) => Rules.GetValueOrDefault(code);

    /// <summary>"$0.50 usd", "¥50 jpy": an amount in major units the way Stripe's amount errors print it.</summary>
    public static string Format(Rule rule, long minorUnits)
    {
        var major = minorUnits / (decimal)Math.Pow(10, rule.Decimals);
        var symbol = rule.Code switch { "usd" => "$", "eur" => "€", "gbp" => "£", "jpy" => "¥", _ => "" };
        return $"{symbol}{major.ToString("N" + rule.Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)} {rule.Code}";
    }
}
