using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// POST /api/payouts/initiate: a tutor with an enabled account and a balance of at least the minimum asks the workflows app
/// (through the sidecar) for the current period's saga now; anything short of that is answered here and nothing is started.
/// </summary>
public sealed class InitiatePayoutTests(PayoutsFixture fx) : IClassFixture<PayoutsFixture>
{
    private const string OnDemand = "internal/payouts/on-demand";

    [Fact]
    public async Task A_tutor_with_an_enabled_account_starts_the_period_s_saga_through_the_sidecar()
    {
        var tutorId = Guid.NewGuid();
        await fx.ConnectAsync(tutorId);
        (await fx.CompleteBookingAsync(Guid.NewGuid(), tutorId, price: 4500)).Should().Be("SUCCESS");
        using var tutor = fx.Tutor(tutorId);

        using var response = await tutor.PostAsync("/api/payouts/initiate", null);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        started.GetProperty("instanceId").GetString().Should().Be("payout-x-20261130000000");
        started.GetProperty("started").GetBoolean().Should().BeTrue();
        var call = fx.Sidecar.InvocationsOf("workflows", "POST", OnDemand).Last();
        JsonDocument.Parse(call.Body).RootElement.GetProperty("tutorId").GetGuid().Should().Be(tutorId);
    }

    /// <summary>
    /// Earnings are the price less the 15 % fee (rounded): 1176 earns exactly the minimum (1000), 1175 one cent less (999).
    /// </summary>
    public static TheoryData<string, long[], long> BelowMinimumCases() => new()
    {
        // name, prices of completed bookings, expected balance (USD cents)
        { "nothing earned", [], 0 },
        { "one cent short", [1175], 999 },
        { "two small earnings", [400, 500], 340 + 425 },
    };

    [Theory]
    [MemberData(nameof(BelowMinimumCases))]
    public async Task Below_the_minimum_it_is_422_saying_the_balance_and_the_minimum_and_nothing_is_started(string name, long[] prices, long balance)
    {
        var tutorId = Guid.NewGuid();
        await fx.ConnectAsync(tutorId);
        foreach (var price in prices)
        {
            (await fx.CompleteBookingAsync(Guid.NewGuid(), tutorId, price: price)).Should().Be("SUCCESS", name);
        }

        var before = (Counts: await fx.CountsAsync(), Calls: fx.Sidecar.InvocationsOf("workflows", "POST", OnDemand).Count);
        using var tutor = fx.Tutor(tutorId);

        var problem = await tutor.ShouldRejectAsync(HttpMethod.Post, "/api/payouts/initiate", null, null, 422, null, name);

        problem.GetProperty("type").GetString().Should().EndWith("/balance-below-minimum");
        problem.GetProperty("balance").GetProperty("amount").GetInt64().Should().Be(balance, name);
        problem.GetProperty("balance").GetProperty("currency").GetString().Should().Be("USD");
        problem.GetProperty("minimum").GetProperty("amount").GetInt64().Should().Be(PayoutsFixture.MinimumAmount);
        problem.GetProperty("minimum").GetProperty("currency").GetString().Should().Be("USD");
        problem.GetProperty("detail").GetString().Should().Contain($"{balance / 100}.{balance % 100:00} USD").And.Contain("10.00 USD");
        (await fx.CountsAsync()).Should().Be(before.Counts, name);
        fx.Sidecar.InvocationsOf("workflows", "POST", OnDemand).Count.Should().Be(before.Calls, "{0}: no saga is started for a payout that would be skipped", name);
    }

    [Fact]
    public async Task Exactly_the_minimum_is_paid_and_what_a_payout_already_settles_is_no_balance()
    {
        var tutorId = Guid.NewGuid();
        await fx.ConnectAsync(tutorId);
        (await fx.CompleteBookingAsync(Guid.NewGuid(), tutorId, price: 1176)).Should().Be("SUCCESS");
        using var tutor = fx.Tutor(tutorId);

        using (var atMinimum = await tutor.PostAsync("/api/payouts/initiate", null))
        {
            atMinimum.StatusCode.Should().Be(HttpStatusCode.Accepted, await atMinimum.Content.ReadAsStringAsync());
        }

        // The saga's Balance step settles the earning in a pending payout: nothing is left to ask for.
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var (status, payout) = await fx.OpenPayoutAsync(tutorId, today.AddDays(-7), today.AddDays(1));
        status.Should().Be(HttpStatusCode.Created);
        payout.GetProperty("status").GetString().Should().Be("pending");
        var problem = await tutor.ShouldRejectAsync(HttpMethod.Post, "/api/payouts/initiate", null, null, 422, null, "after the payout settled the balance");
        problem.GetProperty("balance").GetProperty("amount").GetInt64().Should().Be(0);
    }

    public static TheoryData<string, int> CallerCases() => new()
    {
        // caller, expected status: roles and account states are answered before any balance is looked at
        { "anonymous", 401 },
        { "student", 403 },
        { "admin", 403 },
        { "tutor without an account", 409 },
        { "tutor whose onboarding is not finished", 409 },
    };

    [Theory]
    [MemberData(nameof(CallerCases))]
    public async Task Who_may_initiate_and_nothing_is_started_otherwise(string caller, int status)
    {
        var tutorId = Guid.NewGuid();
        if (caller == "tutor whose onboarding is not finished")
        {
            await fx.ConnectAsync(tutorId, onboard: false);
        }

        // An earning well above the minimum, so only who asks decides the answer.
        (await fx.CompleteBookingAsync(Guid.NewGuid(), tutorId, price: 10_000)).Should().Be("SUCCESS");
        var before = (Counts: await fx.CountsAsync(), Calls: fx.Sidecar.InvocationsOf("workflows", "POST", OnDemand).Count);
        using var client = caller switch
        {
            "anonymous" => fx.Factory.CreateClient(),
            "student" => fx.Factory.CreateClientFor(tutorId, PlatformRoles.Student),
            "admin" => fx.Factory.CreateClientFor(tutorId, PlatformRoles.Admin),
            _ => fx.Tutor(tutorId),
        };

        await client.ShouldRejectAsync(HttpMethod.Post, "/api/payouts/initiate", null, null, status, null, caller);

        (await fx.CountsAsync()).Should().Be(before.Counts, caller);
        fx.Sidecar.InvocationsOf("workflows", "POST", OnDemand).Count.Should().Be(before.Calls, caller);
    }

    [Fact]
    public async Task Workflows_unavailable_is_503_to_try_again()
    {
        var tutorId = Guid.NewGuid();
        await fx.ConnectAsync(tutorId);
        (await fx.CompleteBookingAsync(Guid.NewGuid(), tutorId, price: 4500)).Should().Be("SUCCESS");
        fx.Sidecar.Respond(r => r.Path.EndsWith("/internal/payouts/on-demand", StringComparison.Ordinal) && r.Body.Contains(tutorId.ToString(), StringComparison.Ordinal)
            ? new SidecarReply(500, """{"errorCode":"ERR_DIRECT_INVOKE","message":"app workflows not found"}""")
            : null);
        using var tutor = fx.Tutor(tutorId);

        using var response = await tutor.PostAsync("/api/payouts/initiate", null);

        ((int)response.StatusCode).Should().BeOneOf(502, 503);
        (await response.ReadProblemAsync()).GetProperty("status").GetInt32().Should().BeOneOf(502, 503);
    }
}
