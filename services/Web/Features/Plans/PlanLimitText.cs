using System.Globalization;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Plans;

/// <summary>A plan-limit refusal in an owner's words: what their plan allows, and which plan lifts it.</summary>
public static class PlanLimitText
{
    /// <summary>"Your free plan allows 1 channel".</summary>
    public static string Allows(PlanLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var plan = limit.Plan.ToLowerInvariant();
        var allowed = limit.Allowed ?? 0;
        return limit.Limit switch
        {
            "maxChannels" => $"Your {plan} plan allows {Count(allowed, "channel", "channels")}",
            "historyDays" => $"Your {plan} plan keeps {Count(allowed, "day", "days")} of history",
            "exportsPerMonth" => $"Your {plan} plan allows {Count(allowed, "export", "exports")} a month",
            "anomalyAlerts" => $"Your {plan} plan has no anomaly alerts",
            _ => $"Your {plan} plan's {limit.Limit} limit is reached",
        };
    }

    /// <summary>A plan code as its name reads ("pro" → "Pro").</summary>
    public static string PlanName(string code)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        return char.ToUpper(code[0], CultureInfo.InvariantCulture) + code[1..];
    }

    private static string Count(long value, string one, string many) =>
        $"{value.ToString("N0", CultureInfo.CurrentCulture)} {(value == 1 ? one : many)}";
}
