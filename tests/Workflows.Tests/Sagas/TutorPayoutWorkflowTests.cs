using System.Text.Json;
using DaprPlatform.Workflows.Payouts;

namespace DaprPlatform.Workflows.Tests.Sagas;

/// <summary>TutorPayout and the payout calendar on a scripted <see cref="Dapr.Workflow.WorkflowContext"/>.</summary>
public sealed class TutorPayoutWorkflowTests
{
    private static readonly Guid TutorId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b31");
    private static readonly Guid PayoutId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b32");
    private static readonly TutorPayoutInput Input = new(TutorId, new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc));

    private static PayoutState State(string status, string? transferId = null, string? reason = null) => new(PayoutId, status, 8925, "USD", transferId, reason);

    [Fact]
    public async Task A_pending_payout_is_transferred_and_the_saga_completes_with_the_transfer()
    {
        var context = new SagaScript()
            .Answer(nameof(OpenPayoutActivity), State("pending"))
            .Answer(nameof(TransferPayoutActivity), State("completed", "tr_1"))
            .Context(new PayoutPeriod(Input.PeriodStart, Input.PeriodEnd).InstanceIdFor(TutorId));

        var output = await context.RunAsync(new TutorPayoutWorkflow(), Input);

        output.Should().Be(new TutorPayoutOutput(PayoutId, PayoutOutcomes.Completed, 8925, "tr_1", null));
        context.CalledNames.Where(n => n != "RecordSagaOutcomeActivity").Should().Equal(nameof(OpenPayoutActivity), nameof(TransferPayoutActivity));
        context.Calls[0].Input<TutorPayoutInput>().Should().Be(Input);
        context.Calls[1].Input<PayoutRef>().Should().Be(new PayoutRef(PayoutId));
        context.LastStatus<PayoutProgress>().Should().Be(new PayoutProgress(PayoutSteps.Done, PayoutId));
    }

    [Theory]
    [InlineData("skipped", PayoutOutcomes.Skipped)]
    [InlineData("completed", PayoutOutcomes.Completed)]
    [InlineData("failed", PayoutOutcomes.Failed)]
    public async Task A_payout_decided_already_is_not_transferred_again(string status, string outcome)
    {
        var context = new SagaScript().Answer(nameof(OpenPayoutActivity), State(status)).Context();

        var output = await context.RunAsync(new TutorPayoutWorkflow(), Input);

        output.Outcome.Should().Be(outcome);
        context.CalledNames.Should().NotContain(nameof(TransferPayoutActivity));
    }

    [Fact]
    public async Task A_refused_transfer_ends_the_saga_failed_with_the_reason_and_nothing_is_retried_in_the_period()
    {
        var context = new SagaScript()
            .Answer(nameof(OpenPayoutActivity), State("pending"))
            .Answer(nameof(TransferPayoutActivity), State("failed", reason: "balance_insufficient: You have insufficient available funds"))
            .Context();

        var output = await context.RunAsync(new TutorPayoutWorkflow(), Input);

        output.Outcome.Should().Be(PayoutOutcomes.Failed);
        output.Reason.Should().StartWith("balance_insufficient");
        context.Calls.Count(c => c.Name == nameof(TransferPayoutActivity)).Should().Be(1);
        context.TimersCreated.Should().BeEmpty();
    }

    [Fact]
    public async Task Payments_down_for_a_while_is_waited_for_on_durable_timers()
    {
        var context = new SagaScript()
            .FailTransiently(nameof(OpenPayoutActivity), 3, State("pending"))
            .FailTransiently(nameof(TransferPayoutActivity), 4, State("completed", "tr_1"))
            .Context();

        var output = await context.RunAsync(new TutorPayoutWorkflow(), Input);

        output.Outcome.Should().Be(PayoutOutcomes.Completed);
        context.Calls.Count(c => c.Name == nameof(TransferPayoutActivity)).Should().Be(5);
        context.TimersCreated.Should().HaveCount(7);
    }

    [Fact]
    public async Task Payments_unavailable_until_the_opening_deadline_ends_the_saga_unavailable_with_no_transfer()
    {
        var context = new SagaScript().AlwaysUnavailable(nameof(OpenPayoutActivity)).Context();

        var output = await context.RunAsync(new TutorPayoutWorkflow(), Input);

        output.Should().Be(new TutorPayoutOutput(null, PayoutOutcomes.Unavailable, 0, null, "payments was unavailable"));
        context.Calls.Last().At.Should().BeOnOrBefore(context.StartedAt + TutorPayoutWorkflow.OpenPatience);
        context.CalledNames.Should().NotContain(nameof(TransferPayoutActivity));
    }

    [Fact]
    public async Task The_calendar_sleeps_until_the_period_ends_starts_its_payouts_and_continues_with_the_next_period()
    {
        var periodEnd = new DateTime(2026, 11, 30, 12, 5, 0, DateTimeKind.Utc);
        var context = new SagaScript().Answer(nameof(StartDuePayoutsActivity), new DuePayoutsStarted(3, 2)).Context(PayoutCalendarWorkflow.InstanceId);

        await context.RunAsync(new PayoutCalendarWorkflow(), new PayoutCalendarInput(300, periodEnd));

        context.TimersCreated.Should().Equal(periodEnd);
        context.Calls.Single().Input<DuePeriod>().Should().Be(new DuePeriod(periodEnd.AddMinutes(-5), periodEnd));
        JsonSerializer.Deserialize<PayoutCalendarInput>(context.ContinuedAsNewWith!, JsonSerializerOptions.Web).Should().Be(new PayoutCalendarInput(300, periodEnd.AddMinutes(5)));
        context.LastStatus<PayoutCalendarProgress>().Should().Be(new PayoutCalendarProgress(periodEnd.AddMinutes(5), periodEnd, 2));
    }

    [Fact]
    public async Task A_calendar_that_wakes_late_starts_the_missed_period_at_once_and_next_wakes_at_the_current_period_s_end()
    {
        // The app was down from before 12:00 until 12:00 + 12 minutes (the context's clock starts at 12:00): the 11:55–12:00 period is paid now.
        var missedEnd = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
        var context = new SagaScript().Answer(nameof(StartDuePayoutsActivity), new DuePayoutsStarted(1, 1)).Context(PayoutCalendarWorkflow.InstanceId);

        await context.RunAsync(new PayoutCalendarWorkflow(), new PayoutCalendarInput(300, missedEnd.AddMinutes(-5)));

        context.TimersCreated.Should().BeEmpty();
        context.Calls.Single().Input<DuePeriod>().PeriodEnd.Should().Be(missedEnd.AddMinutes(-5));
        JsonSerializer.Deserialize<PayoutCalendarInput>(context.ContinuedAsNewWith!, JsonSerializerOptions.Web)!.NextPeriodEnd.Should().Be(missedEnd.AddMinutes(5));
    }

    [Theory]
    // at, period, start, end
    [InlineData("2026-11-30T12:00:00Z", 300, "2026-11-30T12:00:00Z", "2026-11-30T12:05:00Z")]
    [InlineData("2026-11-30T12:04:59Z", 300, "2026-11-30T12:00:00Z", "2026-11-30T12:05:00Z")]
    [InlineData("2026-12-02T09:30:00Z", 604800, "2026-11-26T00:00:00Z", "2026-12-03T00:00:00Z")]
    [InlineData("2026-11-30T12:00:30Z", 60, "2026-11-30T12:00:00Z", "2026-11-30T12:01:00Z")]
    public void Periods_are_whole_multiples_of_their_length_from_the_unix_epoch(string at, int seconds, string start, string end)
    {
        var period = PayoutPeriod.Containing(DateTime.Parse(at, null, System.Globalization.DateTimeStyles.AdjustToUniversal), TimeSpan.FromSeconds(seconds));

        period.Should().Be(new PayoutPeriod(
            DateTime.Parse(start, null, System.Globalization.DateTimeStyles.AdjustToUniversal), DateTime.Parse(end, null, System.Globalization.DateTimeStyles.AdjustToUniversal)));
        period.InstanceIdFor(TutorId).Should().Be($"payout-{TutorId:N}-{period.Start:yyyyMMddHHmmss}").And.HaveLength(54);
    }
}
