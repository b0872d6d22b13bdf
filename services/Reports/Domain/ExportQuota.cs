namespace DaprPlatform.Reports.Domain;

/// <summary>
/// The monthly export quota: exports an owner started in the current calendar month (UTC), failed ones excepted — a failure
/// is the platform's or the data's fault, so it gives the owner their try back.
/// </summary>
public static class ExportQuota
{
    /// <summary>[start, end) of the UTC calendar month <paramref name="now"/> falls in.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) MonthOf(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (start, start.AddMonths(1));
    }

    public static bool IsReached(int usedThisMonth, int exportsPerMonth) => usedThisMonth >= exportsPerMonth;
}
