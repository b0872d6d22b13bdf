using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// The payout saga's steps against DevHost's Stripe stand-in: a period's balance from the ledger, one transfer per tutor
/// and period whatever is repeated, skipped below the minimum, a refused transfer paid the next period (never twice in
/// one), clawbacks taken from the next payout.
/// </summary>
public sealed class PayoutTests(PayoutsFixture fx) : IClassFixture<PayoutsFixture>
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private static (DateTimeOffset Start, DateTimeOffset End) Week(int n) => (Monday.AddDays(7 * n), Monday.AddDays(7 * (n + 1)));

    /// <summary>A tutor with an enabled account and bookings completed in week 0.</summary>
    private async Task<(Guid TutorId, JsonElement Account)> TutorWithEarningsAsync(params long[] prices)
    {
        var tutorId = Guid.NewGuid();
        var account = await fx.ConnectAsync(tutorId);
        foreach (var price in prices)
        {
            await fx.CompleteBookingAsync(Guid.NewGuid(), tutorId, price, at: Monday.AddDays(1));
        }

        await fx.FundAsync(prices.Sum());
        return (tutorId, account);
    }

    [Fact]
    public async Task A_period_pays_the_tutors_earnings_in_one_transfer_however_often_the_steps_repeat()
    {
        var (tutorId, account) = await TutorWithEarningsAsync(4500, 6000);
        var (start, end) = Week(0);

        var (created, opened) = await fx.OpenPayoutAsync(tutorId, start, end);
        var (again, reopened) = await fx.OpenPayoutAsync(tutorId, start, end);
        var transferred = await fx.TransferAsync(opened);
        var repeated = await fx.TransferAsync(opened);

        created.Should().Be(HttpStatusCode.Created);
        again.Should().Be(HttpStatusCode.OK);
        reopened.GetProperty("payoutId").GetGuid().Should().Be(opened.GetProperty("payoutId").GetGuid());
        // 38.25 + 51.00 earned.
        opened.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(8925);
        opened.GetProperty("status").GetString().Should().Be("pending");
        transferred.GetProperty("status").GetString().Should().Be("completed");
        transferred.GetProperty("transferId").GetString().Should().StartWith("tr_");
        repeated.GetProperty("transferId").GetString().Should().Be(transferred.GetProperty("transferId").GetString());
        var transfers = await fx.TransfersToAsync(account);
        transfers.Should().ContainSingle();
        transfers[0].GetProperty("amount").GetInt64().Should().Be(8925);
        transfers[0].GetProperty("transfer_group").GetString().Should().Be($"payout-{tutorId:N}-20261130T000000Z-20261207T000000Z");
        var events = await fx.PayoutEventsAsync(opened.GetProperty("payoutId").GetGuid());
        events.Select(e => e.Topic).Should().Equal("payout.initiated", "payout.completed");
        var completed = events[1].Data;
        completed.GetProperty("tutorId").GetGuid().Should().Be(tutorId);
        completed.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(8925);
        completed.GetProperty("amount").GetProperty("currency").GetString().Should().Be("USD");
        completed.GetProperty("transferId").GetString().Should().Be(transfers[0].GetProperty("id").GetString());
        completed.GetProperty("failureReason").ValueKind.Should().Be(JsonValueKind.Null);
        completed.GetProperty("periodStart").GetDateTimeOffset().Should().Be(start);
        completed.GetProperty("periodEnd").GetDateTimeOffset().Should().Be(end);

        // Nothing is left for the next period.
        var (_, next) = await fx.OpenPayoutAsync(tutorId, Week(1).Start, Week(1).End);
        next.GetProperty("status").GetString().Should().Be("skipped");
        next.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task A_balance_below_the_minimum_is_skipped_and_carried_forward()
    {
        // 10.00 earns 8.50, below the 10.00 minimum.
        var (tutorId, account) = await TutorWithEarningsAsync(1000);

        var (_, skipped) = await fx.OpenPayoutAsync(tutorId, Week(0).Start, Week(0).End);
        var unchanged = await fx.TransferAsync(skipped);
        await fx.CompleteBookingAsync(Guid.NewGuid(), tutorId, 1000, at: Week(1).Start.AddHours(1));
        await fx.FundAsync(1000);
        var (_, paid) = await fx.OpenPayoutAsync(tutorId, Week(1).Start, Week(1).End);
        await fx.TransferAsync(paid);

        skipped.GetProperty("status").GetString().Should().Be("skipped");
        skipped.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(850);
        unchanged.GetProperty("status").GetString().Should().Be("skipped");
        (await fx.PayoutEventsAsync(skipped.GetProperty("payoutId").GetGuid())).Should().BeEmpty();
        paid.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(1700);
        (await fx.TransfersToAsync(account)).Select(t => t.GetProperty("amount").GetInt64()).Should().Equal(1700);
    }

    [Fact]
    public async Task A_refused_transfer_fails_the_period_for_good_and_the_next_period_pays_it()
    {
        var (tutorId, account) = await TutorWithEarningsAsync(4500);
        using (var set = await fx.Stripe.Client.PostAsJsonAsync("/standin/transfer-failures", new { transfers = 1 }))
        {
            set.EnsureSuccessStatusCode();
        }

        var (_, opened) = await fx.OpenPayoutAsync(tutorId, Week(0).Start, Week(0).End);
        var failed = await fx.TransferAsync(opened);
        var (_, reopened) = await fx.OpenPayoutAsync(tutorId, Week(0).Start, Week(0).End);
        var stillFailed = await fx.TransferAsync(reopened);
        var (_, next) = await fx.OpenPayoutAsync(tutorId, Week(1).Start, Week(1).End);
        var paid = await fx.TransferAsync(next);

        failed.GetProperty("status").GetString().Should().Be("failed");
        failed.GetProperty("failureReason").GetString().Should().StartWith("balance_insufficient");
        stillFailed.GetProperty("status").GetString().Should().Be("failed", "a period never pays twice");
        (await fx.PayoutEventsAsync(opened.GetProperty("payoutId").GetGuid())).Select(e => e.Topic).Should().Equal("payout.initiated", "payout.failed");
        next.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(3825);
        paid.GetProperty("status").GetString().Should().Be("completed");
        (await fx.TransfersToAsync(account)).Should().ContainSingle().Which.GetProperty("amount").GetInt64().Should().Be(3825);
    }

    [Fact]
    public async Task A_refund_after_the_payout_is_clawed_back_from_the_next_one()
    {
        var tutorId = Guid.NewGuid();
        var account = await fx.ConnectAsync(tutorId);
        var refundedBooking = Guid.NewGuid();
        var payment = await fx.PaidBookingAsync(refundedBooking, 4500);
        await fx.CompleteBookingAsync(refundedBooking, tutorId, 4500, at: Monday.AddDays(1));
        var (_, first) = await fx.OpenPayoutAsync(tutorId, Week(0).Start, Week(0).End);
        await fx.TransferAsync(first);

        var refunded = await fx.RefundAsync(payment, 4500);
        await fx.DeliverRefundedAsync(refunded);
        await fx.CompleteBookingAsync(Guid.NewGuid(), tutorId, 6000, at: Week(1).Start.AddHours(1));
        await fx.FundAsync(6000);
        // The refund happened now, after week 1: it is settled with the first period that ends after it.
        var (_, later) = await fx.OpenPayoutAsync(tutorId, DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(2).ToUniversalTime());
        await fx.TransferAsync(later);

        (await fx.LedgerAsync(tutorId)).Select(e => e.Kind).Should().Equal("Earning", "Clawback", "Earning");
        // 51.00 earned in week 1 less the 38.25 paid out for the refunded booking.
        later.GetProperty("amount").GetProperty("amount").GetInt64().Should().Be(5100 - 3825);
        (await fx.TransfersToAsync(account)).Select(t => t.GetProperty("amount").GetInt64()).Should().Equal(1275, 3825);
    }

    [Fact]
    public async Task A_tutor_without_a_payout_account_fails_without_a_transfer()
    {
        var tutorId = Guid.NewGuid();
        await fx.CompleteBookingAsync(Guid.NewGuid(), tutorId, 4500, at: Monday.AddDays(1));

        var (_, opened) = await fx.OpenPayoutAsync(tutorId, Week(0).Start, Week(0).End);
        var failed = await fx.TransferAsync(opened);

        failed.GetProperty("status").GetString().Should().Be("failed");
        failed.GetProperty("failureReason").GetString().Should().StartWith("no_payout_account");
    }

    [Fact]
    public async Task Due_tutors_are_those_with_an_enabled_account_and_something_unsettled()
    {
        var (due, _) = await TutorWithEarningsAsync(4500);
        var notOnboarded = Guid.NewGuid();
        await fx.ConnectAsync(notOnboarded, onboard: false);
        await fx.CompleteBookingAsync(Guid.NewGuid(), notOnboarded, 4500, at: Monday.AddDays(1));
        var (settled, _) = await TutorWithEarningsAsync(4500);
        await fx.TransferAsync((await fx.OpenPayoutAsync(settled, Week(0).Start, Week(0).End)).Payout);
        using var app = fx.App();

        var answer = await app.GetFromJsonAsync<JsonElement>($"/internal/payouts/due?before={Uri.EscapeDataString(Week(0).End.ToString("O"))}");

        var tutors = answer.GetProperty("tutorIds").EnumerateArray().Select(t => t.GetGuid()).ToList();
        tutors.Should().Contain(due).And.NotContain(notOnboarded).And.NotContain(settled);
    }

    [Fact]
    public async Task The_history_lists_the_callers_own_payouts_newest_first_and_paged()
    {
        var (tutorId, _) = await TutorWithEarningsAsync(4500);
        await fx.OpenPayoutAsync(tutorId, Week(0).Start, Week(0).End);
        await fx.OpenPayoutAsync(tutorId, Week(1).Start, Week(1).End);
        using var tutor = fx.Tutor(tutorId);
        using var other = fx.Tutor(Guid.NewGuid());

        var page = await tutor.GetFromJsonAsync<JsonElement>("/api/payouts?page=1&pageSize=1");
        var none = await other.GetFromJsonAsync<JsonElement>("/api/payouts");

        page.GetProperty("total").GetInt32().Should().Be(2);
        page.GetProperty("items").EnumerateArray().Single().GetProperty("periodEnd").GetDateTimeOffset().Should().Be(Week(1).End);
        none.GetProperty("total").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task Payouts_of_one_tutor_opened_at_once_never_settle_an_earning_twice()
    {
        var (tutorId, _) = await TutorWithEarningsAsync(4500, 6000);

        // The calendar's period and an on-demand one racing, each asked twice.
        var opened = await Task.WhenAll(
            fx.OpenPayoutAsync(tutorId, Week(0).Start, Week(0).End), fx.OpenPayoutAsync(tutorId, Week(1).Start, Week(1).End),
            fx.OpenPayoutAsync(tutorId, Week(0).Start, Week(0).End), fx.OpenPayoutAsync(tutorId, Week(1).Start, Week(1).End));

        var payouts = opened.Select(o => o.Payout).DistinctBy(p => p.GetProperty("payoutId").GetGuid()).ToList();
        payouts.Should().HaveCount(2, "one payout per tutor and period");
        payouts.Select(p => p.GetProperty("amount").GetProperty("amount").GetInt64()).Order().Should().Equal(0L, 8925L);
        var claims = await fx.Factory.WithDbAsync(db => Task.FromResult(db.PayoutClaims.Where(c => payouts.Select(p => p.GetProperty("payoutId").GetGuid()).Contains(c.PayoutId)).ToList()));
        claims.Should().HaveCount(2).And.OnlyHaveUniqueItems(c => c.EntryId);
    }

    [Fact]
    public async Task Only_the_workflows_app_may_call_the_payout_steps()
    {
        using var gateway = fx.Factory.CreateAppClient("gateway");

        using var response = await gateway.PostAsJsonAsync("/internal/payouts", new { tutorId = Guid.NewGuid(), periodStart = Week(0).Start, periodEnd = Week(0).End });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
