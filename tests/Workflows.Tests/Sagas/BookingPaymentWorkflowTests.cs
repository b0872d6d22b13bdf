using DaprPlatform.Workflows.BookingPayment;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Tests.Sagas;

/// <summary>
/// BookingPayment and BookingCancellation on a scripted <see cref="Dapr.Workflow.WorkflowContext"/> with a virtual clock: step
/// order, the wait for the payment (result, withdrawal, timeout), retries of transient failures until the hold runs out, and that
/// every way out undoes what was done, in reverse, with a business reason.
/// </summary>
public sealed class BookingPaymentWorkflowTests
{
    private static readonly Guid BookingId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b31");
    private static readonly Guid PaymentId = Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b32");
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);
    private static readonly MoneyAmount Price = new(4500, "USD");
    private static readonly BookingPaymentInput Input = new(
        BookingId, Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b33"), "Sam Student", Guid.Parse("0195f0c4-7a7e-7c1e-9a59-5f2a0d6c1b34"),
        Start, 60, "algebra", PaymentTimeoutSeconds: 900);

    private static readonly string[] Forward =
        [nameof(HoldSlotActivity), nameof(CreateBookingActivity), nameof(CreatePaymentIntentActivity), nameof(MarkAwaitingPaymentActivity)];

    private static readonly string[] UndoEverything = [nameof(VoidPaymentActivity), nameof(CancelBookingActivity), nameof(ReleaseSlotActivity)];

    [Fact]
    public async Task A_paid_booking_is_held_created_charged_confirmed_and_booked_in_that_order()
    {
        var context = HappyPath().Context($"booking-{BookingId:N}");
        context.Raise(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Should().Be(new BookingPaymentOutput(BookingOutcomes.Confirmed, BookingId, PaymentId, null));
        Steps(context).Should().Equal([.. Forward, nameof(ConfirmBookingActivity), nameof(BookSlotActivity)]);
        context.TimersCreated.Should().ContainSingle("the payment window is a durable timer").Which.Should().Be(context.StartedAt.AddSeconds(900));
        context.LastStatus<BookingProgress>()!.Step.Should().Be(BookingSteps.Confirmed);
    }

    [Fact]
    public async Task The_hold_asks_for_the_payment_window_plus_the_margin_and_passes_the_quote_to_the_booking()
    {
        var context = HappyPath().Context($"booking-{BookingId:N}");
        context.Raise(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));

        await context.RunAsync(new BookingPaymentWorkflow(), Input);

        InputOf<HoldSlotInput>(context, nameof(HoldSlotActivity)).HoldMinutes.Should().Be(20, "15 minutes to pay plus 5 so the hold cannot lapse while the saga waits");
        InputOf<CreateBookingInput>(context, nameof(CreateBookingActivity)).Should().BeEquivalentTo(
            new { BookingId, TutorName = "Tina Tutor", Price, End = Start.AddHours(1), WorkflowInstanceId = $"booking-{BookingId:N}" });
    }

    [Fact]
    public async Task A_refused_hold_ends_rejected_with_nothing_to_undo()
    {
        var context = HappyPath().Answer(nameof(HoldSlotActivity), new SlotHold(false, null, Start, Start.AddHours(1), null, "The slot is no longer available")).Context();

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Outcome.Should().Be(BookingOutcomes.Rejected);
        output.Reason.Should().Contain("no longer available");
        Steps(context).Should().Equal(nameof(HoldSlotActivity));
    }

    [Fact]
    public async Task A_refused_booking_releases_the_hold_and_ends_rejected()
    {
        var context = HappyPath().Answer(nameof(CreateBookingActivity), StepOutcome.Refused("bookingId exists for another slot")).Context();

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Outcome.Should().Be(BookingOutcomes.Rejected);
        Steps(context).Should().Equal(nameof(HoldSlotActivity), nameof(CreateBookingActivity), nameof(ReleaseSlotActivity));
    }

    [Fact]
    public async Task A_declined_payment_voids_the_payment_cancels_the_booking_and_releases_the_slot_in_that_order()
    {
        var context = HappyPath().Context();
        context.Raise(BookingEvents.PaymentResult, new PaymentResult(PaymentId, false, "card_declined", "Your card was declined."));

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        Steps(context).Should().Equal([.. Forward, .. UndoEverything]);
        var cancel = InputOf<CancelBookingInput>(context, nameof(CancelBookingActivity));
        cancel.Reason.Should().Be("payment-failed: card_declined (Your card was declined.)");
        cancel.Refund.Should().BeNull();
        InputOf<PaymentRef>(context, nameof(VoidPaymentActivity)).PaymentId.Should().Be(PaymentId);
        output.Should().Be(new BookingPaymentOutput(BookingOutcomes.Cancelled, BookingId, PaymentId, cancel.Reason));
        context.LastStatus<BookingProgress>()!.Step.Should().Be(BookingSteps.Cancelled);
    }

    [Fact]
    public async Task No_payment_before_the_deadline_cancels_everything()
    {
        var context = HappyPath().Context();

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Reason.Should().Be("payment-timeout");
        output.Outcome.Should().Be(BookingOutcomes.Cancelled);
        Steps(context).Should().Equal([.. Forward, .. UndoEverything]);
        context.Calls.Single(c => c.Name == nameof(VoidPaymentActivity)).At.Should().Be(context.StartedAt.AddSeconds(900));
    }

    [Fact]
    public async Task A_withdrawal_while_waiting_cancels_everything()
    {
        var context = HappyPath().Context();
        context.Raise(BookingEvents.Withdrawn, new BookingWithdrawal("student", "found another time"));

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Reason.Should().Be("withdrawn by the student: found another time");
        Steps(context).Should().Equal([.. Forward, .. UndoEverything]);
    }

    [Fact]
    public async Task A_result_for_another_payment_is_ignored_and_the_saga_keeps_waiting()
    {
        var context = HappyPath().Context();
        context.Raise(BookingEvents.PaymentResult, new PaymentResult(Guid.NewGuid(), Succeeded: false, "card_declined"));
        context.Raise(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Outcome.Should().Be(BookingOutcomes.Confirmed);
    }

    [Fact]
    public async Task A_conflict_at_confirmation_refunds_through_void_and_cancels()
    {
        var context = HappyPath().Answer(nameof(ConfirmBookingActivity), StepOutcome.Refused("The student already has a confirmed booking then.")).Context();
        context.Raise(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Reason.Should().StartWith("booking-conflict:");
        output.Outcome.Should().Be(BookingOutcomes.Cancelled);
        Steps(context).Should().Equal([.. Forward, nameof(ConfirmBookingActivity), .. UndoEverything]);
    }

    [Fact]
    public async Task Losing_the_slot_after_confirmation_cancels_the_confirmed_booking_with_the_full_refund()
    {
        var context = HappyPath().Answer(nameof(BookSlotActivity), StepOutcome.Refused("hold released")).Context();
        context.Raise(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));

        await context.RunAsync(new BookingPaymentWorkflow(), Input);

        InputOf<CancelBookingInput>(context, nameof(CancelBookingActivity)).Refund.Should().Be(Price, "VoidPayment refunded the whole charge, and the booking records it");
    }

    // Issue 14: the platform restarted mid-saga and booking was not listening yet; the step must ride that out.
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(12)]
    public async Task A_step_that_fails_transiently_is_retried_with_back_off_until_it_succeeds(int failures)
    {
        var context = HappyPath().FailTransiently(nameof(CreateBookingActivity), failures, StepOutcome.Success).Context();
        context.Raise(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Outcome.Should().Be(BookingOutcomes.Confirmed);
        var attempts = context.Calls.Where(c => c.Name == nameof(CreateBookingActivity)).Select(c => c.At).ToList();
        attempts.Should().HaveCount(failures + 1);
        var waits = attempts.Zip(attempts.Skip(1), (a, b) => b - a).ToList();
        waits.Should().BeInAscendingOrder("the back-off grows").And.OnlyContain(w => w >= TimeSpan.FromSeconds(1) && w <= TimeSpan.FromSeconds(30));
        Steps(context).Should().NotContain(UndoEverything);
        context.Statuses.Should().Contain(s => s.Contains("waiting for booking", StringComparison.Ordinal), "the status says what the saga waits for");
        context.Statuses.Should().NotContain(s => s.Contains("circuit breaker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_step_still_failing_when_the_hold_runs_out_undoes_everything_and_says_which_service_was_unavailable()
    {
        var context = HappyPath().AlwaysUnavailable(nameof(CreateBookingActivity)).Context();

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Outcome.Should().Be(BookingOutcomes.Rejected);
        output.Reason.Should().Be("service-unavailable: booking was unavailable until the slot hold ran out (CreateBooking could not be completed)");
        // The booking may have been created with its answer lost, so it is cancelled too; then the hold is released.
        Steps(context).Distinct().Should().Equal(nameof(HoldSlotActivity), nameof(CreateBookingActivity), nameof(CancelBookingActivity), nameof(ReleaseSlotActivity));
        var lastAttempt = context.Calls.Last(c => c.Name == nameof(CreateBookingActivity)).At;
        lastAttempt.Should().BeOnOrBefore(context.StartedAt.AddMinutes(20)).And.BeAfter(context.StartedAt.AddMinutes(19), "it kept trying for as long as the hold lasted");
        context.Statuses.Should().NotContain(s => s.Contains("circuit breaker", StringComparison.Ordinal));
        context.LastStatus<BookingProgress>().Should().Be(new BookingProgress(BookingSteps.Rejected, null, output.Reason));
    }

    [Fact]
    public async Task A_payment_step_still_failing_at_the_deadline_voids_nothing_it_does_not_have_and_undoes_the_rest()
    {
        var context = HappyPath().AlwaysUnavailable(nameof(MarkAwaitingPaymentActivity)).Context();

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Outcome.Should().Be(BookingOutcomes.Cancelled);
        output.Reason.Should().StartWith("service-unavailable: booking was unavailable");
        Steps(context).SkipWhile(s => s != nameof(VoidPaymentActivity)).Should().Equal(UndoEverything);
    }

    [Fact]
    public async Task A_callee_refusing_a_step_with_a_problem_stops_the_saga_at_once_and_undoes_it()
    {
        var context = HappyPath().Refuse(nameof(CreatePaymentIntentActivity), "payments refused (422): The amount is below the minimum charge").Context();

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        context.Calls.Count(c => c.Name == nameof(CreatePaymentIntentActivity)).Should().Be(1, "a refusal is not retried");
        context.TimersCreated.Should().BeEmpty();
        output.Outcome.Should().Be(BookingOutcomes.Cancelled);
        output.Reason.Should().Be("payment-unavailable: payments refused (422): The amount is below the minimum charge");
        Steps(context).Should().Equal(nameof(HoldSlotActivity), nameof(CreateBookingActivity), nameof(CreatePaymentIntentActivity), nameof(CancelBookingActivity), nameof(ReleaseSlotActivity));
    }

    [Fact]
    public async Task An_undo_step_that_fails_transiently_is_retried_until_it_is_done()
    {
        var context = HappyPath().FailTransiently(nameof(CancelBookingActivity), 6, StepOutcome.Success).Context();

        var output = await context.RunAsync(new BookingPaymentWorkflow(), Input);

        output.Outcome.Should().Be(BookingOutcomes.Cancelled);
        context.Calls.Count(c => c.Name == nameof(CancelBookingActivity)).Should().Be(7);
        Steps(context).Last().Should().Be(nameof(ReleaseSlotActivity));
    }

    [Fact]
    public async Task An_undo_step_that_never_succeeds_fails_the_instance_saying_what_is_left_in_business_terms()
    {
        var context = HappyPath().AlwaysUnavailable(nameof(CancelBookingActivity)).Context();
        context.Raise(BookingEvents.PaymentResult, new PaymentResult(PaymentId, false, "card_declined"));

        var failure = await FluentActions.Awaiting(() => context.RunAsync(new BookingPaymentWorkflow(), Input)).Should().ThrowAsync<BookingSagaFailedException>();

        failure.Which.Message.Should().Contain("undoing it could not finish at CancelBooking: booking was unavailable for 6 hours")
            .And.Contain("Undone: VoidPayment").And.Contain("still to undo: CancelBooking, ReleaseSlot").And.NotContain("circuit breaker");
        context.Now.Should().BeAfter(context.StartedAt.AddHours(6).AddMinutes(-2), "undoing kept trying for its whole patience");
    }

    [Theory]
    [InlineData(4500, "refunded")]
    [InlineData(0, "cancelled")]
    public async Task Cancelling_a_confirmed_booking_refunds_by_the_quote_then_cancels_then_releases(long refund, string outcome)
    {
        var requestedAt = Start.AddHours(-48);
        var context = new SagaScript()
            .Answer(nameof(QuoteRefundActivity), new RefundQuote(true, Price with { Amount = refund }, refund == 0 ? 0 : 100, PaymentId, null))
            .Answer(nameof(RefundPaymentActivity), StepOutcome.Success)
            .FailTransiently(nameof(CancelBookingActivity), 2, StepOutcome.Success)
            .Answer(nameof(ReleaseSlotActivity), new StepDone(BookingSteps.ReleaseSlot, 200))
            .Context();

        var output = await context.RunAsync(new BookingCancellationWorkflow(), new BookingCancellationInput(BookingId, "student", requestedAt, "ill"));

        InputOf<RefundQuoteInput>(context, nameof(QuoteRefundActivity)).Should().Be(new RefundQuoteInput(BookingId, "student", requestedAt));
        var cancel = InputOf<CancelBookingInput>(context, nameof(CancelBookingActivity));
        cancel.Reason.Should().Be("cancelled by the student: ill");
        cancel.Refund.Should().Be(refund == 0 ? null : Price);
        output.Outcome.Should().Be(outcome);
        context.Calls.Count(c => c.Name == nameof(RefundPaymentActivity)).Should().Be(refund == 0 ? 0 : 1);
        Steps(context).Distinct().Last().Should().Be(nameof(ReleaseSlotActivity));
    }

    [Fact]
    public async Task Cancelling_what_cannot_be_cancelled_ends_without_touching_payment_or_slot()
    {
        var context = new SagaScript().Answer(nameof(QuoteRefundActivity), new RefundQuote(false, null, 0, null, "The booking is already cancelled")).Context();

        var output = await context.RunAsync(new BookingCancellationWorkflow(), new BookingCancellationInput(BookingId, "tutor", Start.AddHours(-1), null));

        output.Outcome.Should().Be(BookingOutcomes.NotCancellable);
        Steps(context).Should().Equal(nameof(QuoteRefundActivity));
    }

    private static SagaScript HappyPath() => new SagaScript()
        .Answer(nameof(HoldSlotActivity), new SlotHold(true, "Tina Tutor", Start, Start.AddHours(1), Price, null))
        .Answer(nameof(CreateBookingActivity), StepOutcome.Success)
        .Answer(nameof(CreatePaymentIntentActivity), new PaymentIntentCreated(true, PaymentId, "pi_123", null))
        .Answer(nameof(MarkAwaitingPaymentActivity), StepOutcome.Success)
        .Answer(nameof(ConfirmBookingActivity), StepOutcome.Success)
        .Answer(nameof(BookSlotActivity), StepOutcome.Success)
        .Answer(nameof(VoidPaymentActivity), new StepDone(BookingSteps.VoidPayment, 200))
        .Answer(nameof(CancelBookingActivity), StepOutcome.Success)
        .Answer(nameof(ReleaseSlotActivity), new StepDone(BookingSteps.ReleaseSlot, 200));

    /// <summary>The saga's steps, without the metrics activity.</summary>
    private static List<string> Steps(ScriptedWorkflowContext context) =>
        context.CalledNames.Where(n => n != nameof(Telemetry.RecordSagaOutcomeActivity)).ToList();

    private static T InputOf<T>(ScriptedWorkflowContext context, string activity) => context.Calls.Last(c => c.Name == activity).Input<T>();
}
