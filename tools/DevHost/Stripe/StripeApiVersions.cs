using System.Globalization;

namespace DaprPlatform.DevHost.Stripe;

/// <summary>
/// The API versions the stand-in renders ("Versioning", "Upgrades"): <c>yyyy-MM-dd</c> up to 2024-06-20, then
/// <c>yyyy-MM-dd.&lt;release&gt;</c> where the release names the line the date belongs to (acacia from 2024-09-30, basil
/// from 2025-03-31, clover from 2025-09-30, dahlia from 2026-03-25, endive from 2026-10-28). The breaking changes of
/// those lines that touch what the stand-in renders are modelled here; older versions are refused, as unknown ones are.
/// </summary>
internal static class StripeApiVersions
{
    /// <summary>What Stripe.net 53.1.0 pins (its <c>StripeConfiguration.ApiVersion</c>): the account's default.</summary>
    public const string Latest = "2026-10-28.endive";

    /// <summary>The oldest version whose shapes the stand-in renders (what it served before release lines).</summary>
    private static readonly DateOnly Oldest = new(2024, 6, 20);

    private static readonly (string Release, DateOnly From)[] Releases =
    [
        ("acacia", new(2024, 9, 30)), ("basil", new(2025, 3, 31)), ("clover", new(2025, 9, 30)), ("dahlia", new(2026, 3, 25)), ("endive", new(2026, 10, 28)),
    ];

    /// <summary>2025-03-31.basil removed <c>invoice</c> from PaymentIntent and Charge (stripe-dotnet v48.0.0).</summary>
    private static readonly DateOnly InvoiceRemoved = new(2025, 3, 31);

    /// <summary>Null when <paramref name="version"/> is one the stand-in renders; otherwise why not (Stripe's 400 message).</summary>
    public static string? Problem(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var parts = version.Split('.');
        if (parts.Length > 2 || !DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return $"Invalid Stripe API version: {version}";
        }

        var release = Releases.LastOrDefault(r => r.From <= date).Release;
        if (date > DateOnly.Parse(Latest.Split('.')[0], CultureInfo.InvariantCulture) || (parts.Length == 2 ? parts[1] != release : release is not null))
        {
            return $"Invalid Stripe API version: {version}";
        }

        return date < Oldest
            ? $"Invalid Stripe API version: {version}. The DevHost stand-in renders API versions from {Oldest:yyyy-MM-dd} on."
            : null;
    }

    /// <summary>Whether objects of <paramref name="version"/> still carry <c>invoice</c> (PaymentIntent, Charge).</summary>
    public static bool HasInvoiceField(string version) => Date(version) < InvoiceRemoved;

    private static DateOnly Date(string version) => DateOnly.ParseExact(version.Split('.')[0], "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
