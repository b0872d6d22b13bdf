using DaprPlatform.Workflows.Dunning;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Tests.Sagas;

/// <summary>The dunning saga on a scripted <see cref="Dapr.Workflow.WorkflowContext"/>: reminders, recovery, downgrade and its compensations.</summary>
public sealed class SubscriptionDunningWorkflowTests
{
    private static readonly Guid OwnerId = Guid.Parse("6f1c1b3e-0000-4000-8000-000000000001");
    private static readonly DateTime Start = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    private static DunningInput Input => new("sub_1", OwnerId, "in_1", Start.AddDays(7), [Start, Start.AddDays(3), Start.AddDays(6)], 600);

    private static readonly SubscriptionState PastDue = new("past_due", "pro", false);
    private static readonly SubscriptionState Downgraded = new("canceled", "free", false);
    private static readonly StepDone Sent = new("notice", 200);

    private static IEnumerable<string> Notices(ScriptedWorkflowContext context) =>
        context.Calls.Where(c => c.Name == nameof(SendDunningNoticeActivity)).Select(c => c.Input<DunningNotice>()).Select(n => $"{n.Kind}#{n.Number}@{n.Step}");

    [Fact]
    public async Task Unpaid_through_the_grace_period_reminds_on_schedule_then_downgrades_and_tells_the_owner()
    {
        var context = new SagaScript()
            .Answer(nameof(GetSubscriptionActivity), PastDue)
            .Answer(nameof(SendDunningNoticeActivity), Sent)
            .Answer(nameof(DowngradeSubscriptionActivity), Downgraded)
            .Context("dunning-1");

        var output = await context.RunAsync(new SubscriptionDunningWorkflow(), Input);

        output.Should().Be(new DunningOutput(DunningOutcomes.Downgraded, 3, 0, 1, null));
        Notices(context).Should().Equal("payment-reminder#1@Reminder1", "payment-reminder#2@Reminder2", "payment-reminder#3@Reminder3", "plan-downgraded#0@NotifyDowngraded");
        context.Calls.Where(c => c.Name == nameof(SendDunningNoticeActivity)).Select(c => c.At).Take(3).Should().Equal(Start, Start.AddDays(3), Start.AddDays(6));
        context.Calls.Single(c => c.Name == nameof(DowngradeSubscriptionActivity)).At.Should().Be(Start.AddDays(7), "the downgrade waits for the grace end");
        context.Calls.Single(c => c.Name == nameof(DowngradeSubscriptionActivity)).Input<SubscriptionRef>().Should().Be(new SubscriptionRef("sub_1"));
        context.LastStatus<DunningProgress>().Should().Be(new DunningProgress(DunningSteps.Done, Start.AddDays(7), 3));
    }

    [Fact]
    public async Task A_payment_during_the_grace_period_stops_the_reminders_and_nothing_is_downgraded()
    {
        ScriptedWorkflowContext context = null!;
        context = new SagaScript()
            .Answer(nameof(GetSubscriptionActivity), PastDue)
            .On(nameof(SendDunningNoticeActivity), call =>
            {
                // The owner pays right after the first reminder: payments raises payment-recovered.
                if (call.Input<DunningNotice>().Number == 1) { context.Raise(DunningEvents.PaymentRecovered, new PaymentRecovered("in_1")); }
                return Sent;
            })
            .Answer(nameof(DowngradeSubscriptionActivity), Downgraded)
            .Context("dunning-2");

        var output = await context.RunAsync(new SubscriptionDunningWorkflow(), Input);

        output.Outcome.Should().Be(DunningOutcomes.Recovered);
        output.RemindersSent.Should().Be(1);
        Notices(context).Should().Equal("payment-reminder#1@Reminder1", "payment-received#0@NotifyRecovered");
        context.CalledNames.Should().NotContain(nameof(DowngradeSubscriptionActivity));
        context.Now.Should().BeBefore(Start.AddDays(3), "the recovery event beat the second reminder's timer");
    }

    [Fact]
    public async Task A_recovery_whose_event_was_lost_is_seen_before_the_next_reminder()
    {
        var context = new SagaScript()
            .On(nameof(GetSubscriptionActivity), call => call.Attempt == 1 ? PastDue : new SubscriptionState("active", "pro", false))
            .Answer(nameof(SendDunningNoticeActivity), Sent)
            .Answer(nameof(DowngradeSubscriptionActivity), Downgraded)
            .Context();

        var output = await context.RunAsync(new SubscriptionDunningWorkflow(), Input);

        output.Outcome.Should().Be(DunningOutcomes.Recovered);
        Notices(context).Should().Equal("payment-reminder#1@Reminder1", "payment-received#0@NotifyRecovered");
        context.CalledNames.Should().NotContain(nameof(DowngradeSubscriptionActivity));
    }

    [Fact]
    public async Task A_reminder_that_cannot_be_sent_is_recorded_and_the_saga_goes_on_to_the_downgrade()
    {
        var context = new SagaScript()
            .Answer(nameof(GetSubscriptionActivity), PastDue)
            .On(nameof(SendDunningNoticeActivity), call => call.Input<DunningNotice>().Number == 2 ? throw new ServiceStepException("notifications", 503, "down") : Sent)
            .Answer(nameof(DowngradeSubscriptionActivity), Downgraded)
            .Context();

        var output = await context.RunAsync(new SubscriptionDunningWorkflow(), Input);

        output.Outcome.Should().Be(DunningOutcomes.Downgraded);
        output.RemindersSent.Should().Be(2);
        output.RemindersFailed.Should().Be(1);
        output.Reason.Should().Be("reminder 2 could not be sent");
        context.Calls.Count(c => c.Name == nameof(DowngradeSubscriptionActivity)).Should().Be(1);
    }

    [Fact]
    public async Task A_downgrade_that_keeps_failing_is_retried_on_a_timer_until_it_succeeds()
    {
        var retries = 0;
        var context = new SagaScript()
            .Answer(nameof(GetSubscriptionActivity), PastDue)
            .Answer(nameof(SendDunningNoticeActivity), Sent)
            // payments is down for the first two rounds (every attempt of a round fails), then answers.
            .On(nameof(DowngradeSubscriptionActivity), call => call.At < Start.AddDays(7).AddMinutes(20) ? throw new ServiceStepException("payments", 503, $"down {++retries}") : Downgraded)
            .Context();

        var output = await context.RunAsync(new SubscriptionDunningWorkflow(), Input);

        output.Outcome.Should().Be(DunningOutcomes.Downgraded);
        output.DowngradeAttempts.Should().Be(3);
        output.Reason.Should().StartWith("the downgrade failed (payments was unavailable); attempt 3");
        context.Statuses.Should().Contain(s => s.Contains("the downgrade failed", StringComparison.Ordinal), "the failed round is recorded in the custom status");
        Notices(context).Last().Should().Be("plan-downgraded#0@NotifyDowngraded");
    }

    [Fact]
    public async Task A_payment_while_the_downgrade_is_being_retried_wins()
    {
        ScriptedWorkflowContext context = null!;
        context = new SagaScript()
            .Answer(nameof(GetSubscriptionActivity), PastDue)
            .Answer(nameof(SendDunningNoticeActivity), Sent)
            .On(nameof(DowngradeSubscriptionActivity), call =>
            {
                if (call.Attempt == 1) { context.Raise(DunningEvents.PaymentRecovered, new PaymentRecovered("in_1")); }
                throw new ServiceStepException("payments", 503, "down");
            })
            .Context();

        var output = await context.RunAsync(new SubscriptionDunningWorkflow(), Input);

        output.Outcome.Should().Be(DunningOutcomes.Recovered);
        Notices(context).Last().Should().Be("payment-received#0@NotifyRecovered");
    }

    [Fact]
    public async Task Payments_refusing_the_downgrade_because_the_renewal_was_paid_ends_it_recovered()
    {
        var context = new SagaScript()
            .Answer(nameof(GetSubscriptionActivity), PastDue)
            .Answer(nameof(SendDunningNoticeActivity), Sent)
            .Answer(nameof(DowngradeSubscriptionActivity), new SubscriptionState("active", string.Empty, true))
            .Context();

        var output = await context.RunAsync(new SubscriptionDunningWorkflow(), Input);

        output.Outcome.Should().Be(DunningOutcomes.Recovered);
        Notices(context).Should().NotContain(n => n.StartsWith("plan-downgraded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_subscription_ends_the_saga_failed_without_retrying()
    {
        var context = new SagaScript()
            .Answer(nameof(GetSubscriptionActivity), PastDue)
            .Answer(nameof(SendDunningNoticeActivity), Sent)
            .Refuse(nameof(DowngradeSubscriptionActivity), "payments refused (404): There is no subscription sub_1")
            .Context();

        var output = await context.RunAsync(new SubscriptionDunningWorkflow(), Input);

        output.Outcome.Should().Be(DunningOutcomes.Failed);
        context.Calls.Count(c => c.Name == nameof(DowngradeSubscriptionActivity)).Should().Be(1);
    }
}
