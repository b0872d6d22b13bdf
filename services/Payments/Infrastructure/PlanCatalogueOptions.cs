using DaprPlatform.Payments.Domain;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Payments.Infrastructure;

/// <summary>One plan as configured in the "Plans" array (see appsettings.json); validated into a <see cref="PlanCatalogue"/> at start-up.</summary>
public sealed class PlanDefinition
{
    public string Code { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public PlanPriceDefinition Price { get; set; } = new();
    public PlanEntitlementsDefinition Entitlements { get; set; } = new();

    public Plan ToPlan() => new(Code, Name, Price.Amount, Price.Currency, new PlanEntitlements(Entitlements.MaxChannels, Entitlements.HistoryDays, Entitlements.AnomalyAlerts, Entitlements.ExportsPerMonth));
}

/// <summary>A monthly price in minor units.</summary>
public sealed class PlanPriceDefinition
{
    public long Amount { get; set; }
    public string Currency { get; set; } = "USD";
}

public sealed class PlanEntitlementsDefinition
{
    public int MaxChannels { get; set; }
    public int HistoryDays { get; set; }
    public bool AnomalyAlerts { get; set; }
    public int ExportsPerMonth { get; set; }
}

/// <summary>Configuration section "Plans": the catalogue (an array of <see cref="PlanDefinition"/>).</summary>
public sealed class PlanCatalogueOptions
{
    public const string SectionName = "Plans";

    public List<PlanDefinition> Plans { get; } = [];

    public IReadOnlyList<Plan> ToPlans() => [.. Plans.Select(p => p.ToPlan())];
}

/// <summary>Configuration section "Billing": test-mode switches.</summary>
public sealed class BillingOptions
{
    public const string SectionName = "Billing";

    /// <summary>
    /// Test mode only: each new billing customer gets its own Stripe test clock, so a test can advance its time to renew or
    /// fail a renewal. Honoured only with an sk_test_ key; set by tests and Development, never in production.
    /// </summary>
    public bool UseTestClocks { get; set; }
}

public static class PlanCatalogueServiceCollectionExtensions
{
    /// <summary>The catalogue from "Plans", validated when the app starts (a bad catalogue stops it with every problem listed).</summary>
    public static IServiceCollection AddPlanCatalogue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PlanCatalogueOptions>()
            .Configure(o => configuration.GetSection(PlanCatalogueOptions.SectionName).Bind(o.Plans))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PlanCatalogueOptions>, PlanCatalogueValidation>();
        services.AddSingleton(sp => new PlanCatalogue(sp.GetRequiredService<IOptions<PlanCatalogueOptions>>().Value.ToPlans()));
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.SectionName));
        return services;
    }

    /// <summary>Names each problem of the catalogue in the start-up failure.</summary>
    private sealed class PlanCatalogueValidation : IValidateOptions<PlanCatalogueOptions>
    {
        public ValidateOptionsResult Validate(string? name, PlanCatalogueOptions options)
        {
            var problems = PlanCatalogue.Problems(options.ToPlans());
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
