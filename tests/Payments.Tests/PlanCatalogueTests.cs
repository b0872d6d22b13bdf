using DaprPlatform.Payments.Domain;

namespace DaprPlatform.Payments.Tests;

/// <summary>The catalogue's rules (domain, no I/O).</summary>
public sealed class PlanCatalogueTests
{
    private static Plan P(string code, long amount, int channels = 1, int history = 7, bool alerts = false, int exports = 3, string currency = "USD") =>
        new(code, code.ToUpperInvariant(), amount, currency, new PlanEntitlements(channels, history, alerts, exports));

    private static readonly Plan[] Contract = [P("free", 0), P("pro", 900, 5, 90, true, 30), P("business", 2900, 25, 365, true, 300)];

    [Fact]
    public void The_contracts_catalogue_is_valid_and_names_the_cheapest_plan_that_lifts_each_limit()
    {
        var catalogue = new PlanCatalogue(Contract);

        catalogue.Free.Code.Should().Be("free");
        catalogue.LiftedBy(catalogue.Free).Should().Be(new PlanLimitsLiftedBy("pro", "pro", "pro", "pro"));
        catalogue.LiftedBy(catalogue.Find("pro")!).Should().Be(new PlanLimitsLiftedBy("business", "business", null, "business"));
        catalogue.LiftedBy(catalogue.Find("business")!).Should().Be(new PlanLimitsLiftedBy(null, null, null, null));
        catalogue.InForce("retired").Should().Be(catalogue.Free);
    }

    public static TheoryData<Plan[], string> Invalid => new()
    {
        { [], "empty" },
        { [P("free", 0), P("free", 900)], "used 2 times" },
        { [P("pro", 900)], "exactly one plan must be free" },
        { [P("free", 0), P("basic", 0)], "exactly one plan must be free" },
        { [P("free", 0), P("pro", -1)], "negative price" },
        { [P("free", 0, channels: -1)], "negative limit" },
        { [P("free", 0, exports: -3)], "negative limit" },
        { [P("free", 0), P("Pro Plan", 900)], "lower-case letters" },
        { [P("free", 0), P("pro", 900, currency: "usd")], "ISO 4217" },
        { [P("free", 0), P("pro", 900), P("euro", 900, currency: "EUR")], "same currency" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_catalogue_is_refused_with_the_reason(Plan[] plans, string reason)
    {
        PlanCatalogue.Problems(plans).Should().Contain(p => p.Contains(reason, StringComparison.Ordinal));
        var build = () => new PlanCatalogue(plans);
        build.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task A_bad_catalogue_in_configuration_stops_the_app_at_start_with_every_problem()
    {
        var database = new TestSupport.PostgresDatabase("badplans");
        await database.InitializeAsync();
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:payments"] = database.ConnectionString,
                ["Plans:1:Price:Amount"] = "0",
                ["Plans:2:Entitlements:MaxChannels"] = "-5",
            };
            await using var factory = new TestSupport.ServiceFactory<Program, Infrastructure.PaymentsDbContext>(settings);

            var start = () => factory.Server;

            start.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>()
                .Which.Failures.Should().Contain(f => f.Contains("exactly one plan must be free", StringComparison.Ordinal))
                .And.Contain(f => f.Contains("negative limit", StringComparison.Ordinal));
        }
        finally
        {
            await database.DisposeAsync();
        }
    }
}
