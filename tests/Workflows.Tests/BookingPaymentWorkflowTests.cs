using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.Workflows.BookingPayment;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Tests;

/// <summary>
/// BookingPayment and BookingCancellation replayed against scripted histories (no sidecar): step order, the wait for the
/// payment (result, withdrawal, timeout), and that every way out undoes exactly what was done, in reverse.
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

    [Fact]
    public void A_paid_booking_is_held_created_charged_confirmed_and_booked_in_that_order()
    {
        var harness = NewPaymentHarness();
        var turn = UntilAwaitingPayment(harness);
        turn.Timers.Should().ContainSingle("the payment window is a durable timer")
            .Which.FireAt.Should().Be(harness.Now.AddSeconds(Input.PaymentTimeoutSeconds));
        Progress(turn)!.Step.Should().Be(BookingSteps.AwaitingPayment);

        turn = harness.RaiseEvent(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));
        turn = Complete(harness, turn, nameof(ConfirmBookingActivity), StepOutcome.Success);
        turn = Complete(harness, turn, nameof(BookSlotActivity), StepOutcome.Success);

        turn.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        turn.ReadOutputAs<BookingPaymentOutput>().Should().Be(new BookingPaymentOutput(BookingOutcomes.Confirmed, BookingId, PaymentId, null));
        ScheduledNames(harness).Should().Equal(
            nameof(HoldSlotActivity), nameof(CreateBookingActivity), nameof(CreatePaymentIntentActivity), nameof(MarkAwaitingPaymentActivity),
            nameof(ConfirmBookingActivity), nameof(BookSlotActivity));
        Progress(turn)!.Step.Should().Be(BookingSteps.Confirmed);
    }

    [Fact]
    public void The_hold_asks_for_the_payment_window_plus_the_margin_and_passes_the_quote_to_the_booking()
    {
        var harness = NewPaymentHarness();
        harness.Start(Input);
        var hold = Scheduled<HoldSlotInput>(harness, nameof(HoldSlotActivity));
        hold.HoldMinutes.Should().Be(20, "15 minutes to pay plus 5 so the hold cannot lapse while the saga waits");

        var turn = harness.CompleteActivity(harness.History.Last(e => e.TaskScheduled is not null).EventId, new SlotHold(true, "Tina Tutor", Start, Start.AddHours(1), Price, null));
        turn.ScheduledActivities.Single().Name.Should().Be(nameof(CreateBookingActivity));
        var booking = Scheduled<CreateBookingInput>(harness, nameof(CreateBookingActivity));
        booking.Should().BeEquivalentTo(new { BookingId, TutorName = "Tina Tutor", Price, End = Start.AddHours(1), WorkflowInstanceId = harness.InstanceId });
    }

    [Fact]
    public void A_refused_hold_ends_rejected_with_nothing_to_undo()
    {
        var harness = NewPaymentHarness();
        var turn = harness.Start(Input);
        turn = Complete(harness, turn, nameof(HoldSlotActivity), new SlotHold(false, null, Start, Start.AddHours(1), null, "The slot is no longer available"));

        turn.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        var output = turn.ReadOutputAs<BookingPaymentOutput>();
        output.Outcome.Should().Be(BookingOutcomes.Rejected);
        output.Reason.Should().Contain("no longer available");
        ScheduledNames(harness).Should().Equal(nameof(HoldSlotActivity));
    }

    [Fact]
    public void A_refused_booking_releases_the_hold_and_ends_rejected()
    {
        var harness = NewPaymentHarness();
        var turn = Complete(harness, harness.Start(Input), nameof(HoldSlotActivity), Held());
        turn = Complete(harness, turn, nameof(CreateBookingActivity), StepOutcome.Refused("bookingId exists for another slot"));
        turn = Complete(harness, turn, nameof(ReleaseSlotActivity), new StepDone(BookingSteps.ReleaseSlot, 200));

        turn.ReadOutputAs<BookingPaymentOutput>().Outcome.Should().Be(BookingOutcomes.Rejected);
        ScheduledNames(harness).Should().Equal(nameof(HoldSlotActivity), nameof(CreateBookingActivity), nameof(ReleaseSlotActivity));
    }

    [Fact]
    public void A_declined_payment_voids_the_payment_cancels_the_booking_and_releases_the_slot_in_that_order()
    {
        var harness = NewPaymentHarness();
        var turn = UntilAwaitingPayment(harness);

        turn = harness.RaiseEvent(BookingEvents.PaymentResult, new PaymentResult(PaymentId, false, "card_declined", "Your card was declined."));
        var cancel = UndoAll(harness, turn, out turn);

        cancel.Reason.Should().Be("payment-failed: card_declined (Your card was declined.)");
        cancel.Refund.Should().BeNull();
        turn.ReadOutputAs<BookingPaymentOutput>().Should().Be(new BookingPaymentOutput(BookingOutcomes.Cancelled, BookingId, PaymentId, cancel.Reason));
        ScheduledNames(harness).Should().NotContain(nameof(ConfirmBookingActivity));
    }

    [Fact]
    public void No_payment_before_the_deadline_cancels_everything()
    {
        var harness = NewPaymentHarness();
        var turn = UntilAwaitingPayment(harness);

        harness.Advance(TimeSpan.FromSeconds(Input.PaymentTimeoutSeconds));
        turn = harness.FireTimer(turn.Timers.Single().Id);
        var cancel = UndoAll(harness, turn, out turn);

        cancel.Reason.Should().Be("payment-timeout");
        turn.ReadOutputAs<BookingPaymentOutput>().Outcome.Should().Be(BookingOutcomes.Cancelled);
    }

    [Fact]
    public void A_withdrawal_while_waiting_cancels_everything()
    {
        var harness = NewPaymentHarness();
        var turn = UntilAwaitingPayment(harness);

        turn = harness.RaiseEvent(BookingEvents.Withdrawn, new BookingWithdrawal("student", "found another time"));
        var cancel = UndoAll(harness, turn, out turn);

        cancel.Reason.Should().Be("withdrawn by the student: found another time");
    }

    [Fact]
    public void A_result_for_another_payment_is_ignored_and_the_saga_keeps_waiting()
    {
        var harness = NewPaymentHarness();
        var turn = UntilAwaitingPayment(harness);

        turn = harness.RaiseEvent(BookingEvents.PaymentResult, new PaymentResult(Guid.NewGuid(), Succeeded: true));
        turn.ScheduledActivities.Should().BeEmpty();
        turn.Status.Should().Be(WorkflowRuntimeStatus.Running);

        turn = harness.RaiseEvent(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));
        turn.ScheduledActivities.Single().Name.Should().Be(nameof(ConfirmBookingActivity));
    }

    [Fact]
    public void A_payment_result_that_came_before_the_saga_waited_is_not_lost()
    {
        // Dapr rule: external events raised before WaitForExternalEvent are buffered and delivered when it is awaited.
        var harness = NewPaymentHarness();
        var turn = Complete(harness, harness.Start(Input), nameof(HoldSlotActivity), Held());
        turn = Complete(harness, turn, nameof(CreateBookingActivity), StepOutcome.Success);
        turn = Complete(harness, turn, nameof(CreatePaymentIntentActivity), new PaymentIntentCreated(true, PaymentId, "pi_123", null));
        var marking = turn.ScheduledActivities.Single();
        marking.Name.Should().Be(nameof(MarkAwaitingPaymentActivity));
        harness.RaiseEvent(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true)).ScheduledActivities.Should().BeEmpty();
        turn = harness.CompleteActivity(marking.Id, StepOutcome.Success);

        turn.ScheduledActivities.Single().Name.Should().Be(nameof(ConfirmBookingActivity));
    }

    [Fact]
    public void A_conflict_at_confirmation_refunds_through_void_and_cancels()
    {
        var harness = NewPaymentHarness();
        var turn = UntilAwaitingPayment(harness);
        turn = harness.RaiseEvent(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));
        turn = Complete(harness, turn, nameof(ConfirmBookingActivity), StepOutcome.Refused("The student already has a confirmed booking then."));

        var cancel = UndoAll(harness, turn, out turn);

        cancel.Reason.Should().StartWith("booking-conflict:");
        turn.ReadOutputAs<BookingPaymentOutput>().Outcome.Should().Be(BookingOutcomes.Cancelled);
        ScheduledNames(harness).Should().NotContain(nameof(BookSlotActivity));
    }

    [Fact]
    public void Losing_the_slot_after_confirmation_cancels_the_confirmed_booking_with_the_full_refund()
    {
        var harness = NewPaymentHarness();
        var turn = UntilAwaitingPayment(harness);
        turn = harness.RaiseEvent(BookingEvents.PaymentResult, new PaymentResult(PaymentId, Succeeded: true));
        turn = Complete(harness, turn, nameof(ConfirmBookingActivity), StepOutcome.Success);
        turn = Complete(harness, turn, nameof(BookSlotActivity), StepOutcome.Refused("hold released"));

        var cancel = UndoAll(harness, turn, out _);

        cancel.Refund.Should().Be(Price, "VoidPayment refunded the whole charge, and the booking records it");
    }

    [Fact]
    public void An_undo_step_that_keeps_failing_fails_the_instance_saying_what_is_left()
    {
        var harness = NewPaymentHarness();
        var turn = UntilAwaitingPayment(harness);
        turn = harness.RaiseEvent(BookingEvents.PaymentResult, new PaymentResult(PaymentId, false, "card_declined"));
        turn = Complete(harness, turn, nameof(VoidPaymentActivity), new StepDone(BookingSteps.VoidPayment, 200));

        while (turn.ScheduledActivities is [var scheduled] && scheduled.Name == nameof(CancelBookingActivity))
        {
            turn = harness.FailActivity(scheduled.Id, "booking answered 503");
            if (turn.Timers.Count > 0) { turn = harness.FireTimer(turn.Timers[^1].Id); }
        }

        turn.Status.Should().Be(WorkflowRuntimeStatus.Failed);
        turn.FailureDetails!.ErrorMessage.Should().Contain("undoing it failed at CancelBooking").And.Contain("Undone: VoidPayment").And.Contain("still to undo: CancelBooking, ReleaseSlot");
        ScheduledNames(harness).Count(n => n == nameof(CancelBookingActivity)).Should().Be(BookingPaymentWorkflow.CompensationRetry.MaxNumberOfAttempts);
    }

    [Fact]
    public void Replaying_a_cancelled_history_from_scratch_ends_the_same_way()
    {
        // Dapr rule: orchestrator code is replayed from history and must take the same path every time.
        var harness = NewPaymentHarness();
        var turn = UntilAwaitingPayment(harness);
        turn = harness.FireTimer(turn.Timers.Single().Id);
        UndoAll(harness, turn, out var live);

        var replayed = WorkflowTestHarness.Replay(new BookingPaymentWorkflow(), harness.History);

        replayed.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        replayed.SerializedOutput.Should().Be(live.SerializedOutput);
    }

    [Theory]
    [InlineData(4500, "refunded")]
    [InlineData(0, "cancelled")]
    public void Cancelling_a_confirmed_booking_refunds_by_the_quote_then_cancels_then_releases(long refund, string outcome)
    {
        var harness = new WorkflowTestHarness(() => new BookingCancellationWorkflow(), nameof(BookingCancellationWorkflow));
        var requestedAt = Start.AddHours(-48);
        var turn = harness.Start(new BookingCancellationInput(BookingId, "student", requestedAt, "ill"));
        Scheduled<RefundQuoteInput>(harness, nameof(QuoteRefundActivity)).Should().Be(new RefundQuoteInput(BookingId, "student", requestedAt));

        turn = Complete(harness, turn, nameof(QuoteRefundActivity), new RefundQuote(true, Price with { Amount = refund }, refund == 0 ? 0 : 100, PaymentId, null));
        if (refund > 0)
        {
            Scheduled<RefundPaymentInput>(harness, nameof(RefundPaymentActivity)).Amount.Should().Be(Price);
            turn = Complete(harness, turn, nameof(RefundPaymentActivity), StepOutcome.Success);
        }

        var cancel = Scheduled<CancelBookingInput>(harness, nameof(CancelBookingActivity));
        turn = Complete(harness, turn, nameof(CancelBookingActivity), StepOutcome.Success);
        turn = Complete(harness, turn, nameof(ReleaseSlotActivity), new StepDone(BookingSteps.ReleaseSlot, 200));

        cancel.Reason.Should().Be("cancelled by the student: ill");
        cancel.Refund.Should().Be(refund == 0 ? null : Price);
        turn.ReadOutputAs<BookingCancellationOutput>().Outcome.Should().Be(outcome);
        ScheduledNames(harness).Count(n => n == nameof(RefundPaymentActivity)).Should().Be(refund == 0 ? 0 : 1);
    }

    [Fact]
    public void Cancelling_what_cannot_be_cancelled_ends_without_touching_payment_or_slot()
    {
        var harness = new WorkflowTestHarness(() => new BookingCancellationWorkflow(), nameof(BookingCancellationWorkflow));
        var turn = harness.Start(new BookingCancellationInput(BookingId, "tutor", Start.AddHours(-1), null));

        turn = Complete(harness, turn, nameof(QuoteRefundActivity), new RefundQuote(false, null, 0, null, "The booking is already cancelled"));

        turn.ReadOutputAs<BookingCancellationOutput>().Outcome.Should().Be(BookingOutcomes.NotCancellable);
        ScheduledNames(harness).Should().Equal(nameof(QuoteRefundActivity));
    }

    private static WorkflowTestHarness NewPaymentHarness() =>
        new(() => new BookingPaymentWorkflow(), nameof(BookingPaymentWorkflow), instanceId: $"booking-{BookingId:N}");

    private static SlotHold Held() => new(true, "Tina Tutor", Start, Start.AddHours(1), Price, null);

    private static WorkflowTurnResult UntilAwaitingPayment(WorkflowTestHarness harness)
    {
        var turn = Complete(harness, harness.Start(Input), nameof(HoldSlotActivity), Held());
        turn = Complete(harness, turn, nameof(CreateBookingActivity), StepOutcome.Success);
        turn = Complete(harness, turn, nameof(CreatePaymentIntentActivity), new PaymentIntentCreated(true, PaymentId, "pi_123", null));
        return Complete(harness, turn, nameof(MarkAwaitingPaymentActivity), StepOutcome.Success);
    }

    /// <summary>Completes VoidPayment, CancelBooking, ReleaseSlot, checking they come one at a time in that order; returns CancelBooking's input.</summary>
    private static CancelBookingInput UndoAll(WorkflowTestHarness harness, WorkflowTurnResult turn, out WorkflowTurnResult end)
    {
        turn = Complete(harness, turn, nameof(VoidPaymentActivity), new StepDone(BookingSteps.VoidPayment, 200));
        Scheduled<PaymentRef>(harness, nameof(VoidPaymentActivity)).PaymentId.Should().Be(PaymentId);
        var cancel = Scheduled<CancelBookingInput>(harness, nameof(CancelBookingActivity));
        turn = Complete(harness, turn, nameof(CancelBookingActivity), StepOutcome.Success);
        end = Complete(harness, turn, nameof(ReleaseSlotActivity), new StepDone(BookingSteps.ReleaseSlot, 200));
        end.Status.Should().Be(WorkflowRuntimeStatus.Completed);
        Progress(end)!.Step.Should().Be(BookingSteps.Cancelled);
        return cancel;
    }

    private static WorkflowTurnResult Complete(WorkflowTestHarness harness, WorkflowTurnResult turn, string activity, object result)
    {
        turn.ScheduledActivities.Should().ContainSingle().Which.Name.Should().Be(activity);
        return harness.CompleteActivity(turn.ScheduledActivities.Single().Id, result);
    }

    private static T Scheduled<T>(WorkflowTestHarness harness, string activity) =>
        System.Text.Json.JsonSerializer.Deserialize<T>(harness.History.Last(e => e.TaskScheduled?.Name == activity).TaskScheduled.Input, System.Text.Json.JsonSerializerOptions.Web)!;

    private static List<string> ScheduledNames(WorkflowTestHarness harness) =>
        harness.History.Where(e => e.TaskScheduled is not null).Select(e => e.TaskScheduled.Name).ToList();

    private static BookingProgress? Progress(WorkflowTurnResult turn) =>
        turn.CustomStatus is { Length: > 0 } json ? System.Text.Json.JsonSerializer.Deserialize<BookingProgress>(json, System.Text.Json.JsonSerializerOptions.Web) : null;
}
