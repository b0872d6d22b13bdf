namespace DaprPlatform.Payments.Domain;

/// <summary>What a plan allows (the names are the contract's: plan.changed's <c>entitlements</c> and the 402 problem's <c>limit</c>).</summary>
public sealed record PlanEntitlements(int MaxChannels, int HistoryDays, bool AnomalyAlerts, int ExportsPerMonth);

/// <summary>
/// For each limit, the cheapest plan of the catalogue that allows more (for a flag: allows it), or null when none does —
/// what a refusal names as "the plan that lifts it".
/// </summary>
public sealed record PlanLimitsLiftedBy(string? MaxChannels, string? HistoryDays, string? AnomalyAlerts, string? ExportsPerMonth);

/// <summary>A plan of the catalogue: a monthly price in minor units (0 for the free plan) and its entitlements.</summary>
public sealed record Plan(string Code, string Name, long Amount, string Currency, PlanEntitlements Entitlements)
{
    public const string MonthlyInterval = "month";
    public const int MaxCodeLength = 32;

    public bool IsFree => Amount == 0;

    /// <summary>The lookup key of the plan's current monthly Stripe Price: a changed price moves it to the new Price.</summary>
    public string LookupKey => $"plan_{Code}_monthly";

    /// <summary>The Stripe Product's id: chosen by us, so finding or creating it is idempotent across restarts.</summary>
    public string ProductId => $"plan_{Code}";
}

/// <summary>
/// The plans on sale (configuration section "Plans"). Exactly one is free; an owner without a subscription is on it.
/// Built only from a valid list (<see cref="Problems"/> is empty).
/// </summary>
public sealed class PlanCatalogue
{
    private readonly Dictionary<string, Plan> _byCode;

    public PlanCatalogue(IReadOnlyList<Plan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var problems = Problems(plans);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(plans));
        }

        // Cheapest first: the order of GET /api/plans and of "which plan lifts it".
        Plans = [.. plans.OrderBy(p => p.Amount).ThenBy(p => p.Code, StringComparer.Ordinal)];
        _byCode = Plans.ToDictionary(p => p.Code, StringComparer.Ordinal);
        Free = Plans.Single(p => p.IsFree);
    }

    public IReadOnlyList<Plan> Plans { get; }

    public Plan Free { get; }

    public IEnumerable<Plan> Paid => Plans.Where(p => !p.IsFree);

    public Plan? Find(string? code) => code is not null && _byCode.TryGetValue(code, out var plan) ? plan : null;

    /// <summary>The catalogue's plan for a code stored earlier; a plan removed from the catalogue since counts as free.</summary>
    public Plan InForce(string code) => Find(code) ?? Free;

    public PlanLimitsLiftedBy LiftedBy(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        string? Cheapest(Func<PlanEntitlements, bool> lifts) => Plans.FirstOrDefault(p => lifts(p.Entitlements))?.Code;
        var e = plan.Entitlements;
        return new PlanLimitsLiftedBy(
            Cheapest(o => o.MaxChannels > e.MaxChannels),
            Cheapest(o => o.HistoryDays > e.HistoryDays),
            e.AnomalyAlerts ? null : Cheapest(o => o.AnomalyAlerts),
            Cheapest(o => o.ExportsPerMonth > e.ExportsPerMonth));
    }

    /// <summary>Why a list of plans is not a catalogue: codes unique and well-formed, exactly one free plan, nothing negative.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<Plan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var problems = new List<string>();
        if (plans.Count == 0)
        {
            problems.Add("Plans: the catalogue is empty.");
            return problems;
        }

        foreach (var duplicate in plans.GroupBy(p => p.Code, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"Plans: the code '{duplicate.Key}' is used {duplicate.Count()} times.");
        }

        var free = plans.Count(p => p.IsFree);
        if (free != 1)
        {
            problems.Add($"Plans: exactly one plan must be free (price 0); {free} are.");
        }

        foreach (var plan in plans)
        {
            if (string.IsNullOrEmpty(plan.Code) || plan.Code.Length > MaxCode || !plan.Code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                problems.Add($"Plans: the code '{plan.Code}' must be 1..{MaxCode} lower-case letters, digits or '-'.");
            }

            if (string.IsNullOrWhiteSpace(plan.Name))
            {
                problems.Add($"Plans: '{plan.Code}' has no name.");
            }

            if (plan.Amount < 0)
            {
                problems.Add($"Plans: '{plan.Code}' has a negative price.");
            }

            if (plan.Currency is not { Length: 3 } || !plan.Currency.All(char.IsAsciiLetterUpper))
            {
                problems.Add($"Plans: '{plan.Code}' needs an ISO 4217 currency in capitals (e.g. USD).");
            }

            if (plan.Entitlements is null)
            {
                problems.Add($"Plans: '{plan.Code}' has no entitlements.");
            }
            else if (plan.Entitlements.MaxChannels < 0 || plan.Entitlements.HistoryDays < 0 || plan.Entitlements.ExportsPerMonth < 0)
            {
                problems.Add($"Plans: '{plan.Code}' has a negative limit.");
            }
        }

        if (plans.Where(p => !p.IsFree).Select(p => p.Currency).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            problems.Add("Plans: every paid plan must be in the same currency (one customer is billed in one currency).");
        }

        return problems;
    }

    private const int MaxCode = Plan.MaxCodeLength;
}
