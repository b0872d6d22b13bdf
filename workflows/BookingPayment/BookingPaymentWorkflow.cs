using Dapr.Workflow;
using DaprPlatform.Workflows.Sagas;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.BookingPayment;

/// <summary>
/// HoldSlot → CreateBooking (pending) → CreatePaymentIntent → MarkAwaitingPayment → wait for <c>payment-result</c> (or a
/// withdrawal, or the timeout) → ConfirmBooking → BookSlot. Anything that stops it after the hold undoes the completed
/// steps in reverse: VoidPayment (cancel the intent, or refund it when it succeeded after all), CancelBooking, ReleaseSlot.
/// A step whose call fails transiently (a service down or restarting, an open circuit, 5xx, timeouts) is retried with
/// back-off until the slot hold runs out; only a service's refusal stops it early, and every way out undoes what was done.
/// The parties hear of the outcome from the booking.* and payment.* events the services publish on each change.
/// </summary>
public sealed class BookingPaymentWorkflow : Workflow<BookingPaymentInput, BookingPaymentOutput>
{
    /// <summary>The hold outlives the payment window by this much, so it cannot lapse while the saga still waits.</summary>
    public static readonly TimeSpan HoldMargin = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long undoing may keep retrying a service that is down. Undoing must not give up early (a half-undone booking holds a
    /// slot or money), but an instance that never ends helps nobody either: past this it ends FAILED, saying what is left.
    /// </summary>
    public static readonly TimeSpan CompensationPatience = TimeSpan.FromHours(6);

    internal static readonly SagaStep HoldSlot = new(BookingSteps.HoldSlot, nameof(HoldSlotActivity), "tutoring");
    internal static readonly SagaStep CreateBooking = new(BookingSteps.CreateBooking, nameof(CreateBookingActivity), "booking");
    internal static readonly SagaStep CreatePaymentIntent = new(BookingSteps.CreatePaymentIntent, nameof(CreatePaymentIntentActivity), "payments");
    internal static readonly SagaStep MarkAwaitingPayment = new(BookingSteps.MarkAwaitingPayment, nameof(MarkAwaitingPaymentActivity), "booking");
    internal static readonly SagaStep ConfirmBooking = new(BookingSteps.ConfirmBooking, nameof(ConfirmBookingActivity), "booking");
    internal static readonly SagaStep BookSlot = new(BookingSteps.BookSlot, nameof(BookSlotActivity), "tutoring");
    internal static readonly SagaStep VoidPayment = new(BookingSteps.VoidPayment, nameof(VoidPaymentActivity), "payments");
    internal static readonly SagaStep CancelBooking = new(BookingSteps.CancelBooking, nameof(CancelBookingActivity), "booking");
    internal static readonly SagaStep ReleaseSlot = new(BookingSteps.ReleaseSlot, nameof(ReleaseSlotActivity), "tutoring");

    /// <summary>The minutes tutoring holds the slot for: the payment window plus <see cref="HoldMargin"/>.</summary>
    public static int HoldMinutes(BookingPaymentInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (int)Math.Ceiling((TimeSpan.FromSeconds(input.PaymentTimeoutSeconds) + HoldMargin).TotalMinutes);
    }

    public override async Task<BookingPaymentOutput> RunAsync(WorkflowContext context, BookingPaymentInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        BookingPaymentOutput output;
        try
        {
            output = await new Run(context, input).RunSagaAsync();
        }
        catch
        {
            // Undoing could not finish (BookingSagaFailedException): the instance ends FAILED, saying what is left.
            await SagaOutcomes.RecordAsync(context, nameof(BookingPaymentWorkflow), SagaOutcome.Failed, "failed");
            throw;
        }

        // Rejected and cancelled bookings end with every completed step undone.
        var outcome = output.Outcome == BookingOutcomes.Confirmed ? SagaOutcome.Completed : SagaOutcome.Compensated;
        await SagaOutcomes.RecordAsync(context, nameof(BookingPaymentWorkflow), outcome, output.Outcome);
        return output;
    }

    /// <summary>One execution of the saga: what has been done so far decides what an exit undoes.</summary>
    private sealed class Run
    {
        private readonly WorkflowContext _context;
        private readonly BookingPaymentInput _input;
        private readonly BookingRef _booking;
        private readonly SagaSteps _steps;
        private readonly DateTime _holdExpiresAt;
        private bool _slotMayBeHeld;
        private bool _bookingMayExist;
        private Guid? _paymentId;

        public Run(WorkflowContext context, BookingPaymentInput input)
        {
            _context = context;
            _input = input;
            _booking = new BookingRef(input.BookingId);
            _steps = new SagaSteps(context, StepPatience.Steps, (step, waiting) => context.SetCustomStatus(new BookingProgress(step.Name, _paymentId, waiting)));

            // The saga's own deadline: tutoring starts the hold when HoldSlot runs, at or after the saga's start, so no step may
            // usefully run past this. CurrentUtcDateTime is the start time on every replay.
            _holdExpiresAt = context.CurrentUtcDateTime.AddMinutes(HoldMinutes(input));
        }

        public async Task<BookingPaymentOutput> RunSagaAsync()
        {
            var paymentTimeout = TimeSpan.FromSeconds(_input.PaymentTimeoutSeconds);

            Status(BookingSteps.HoldSlot);
            _slotMayBeHeld = true;
            var hold = await _steps.RunAsync<SlotHold>(HoldSlot,
                new HoldSlotInput(_input.BookingId, _input.TutorId, _input.StudentId, _input.Start, _input.DurationMinutes, HoldMinutes(_input)), _holdExpiresAt);
            if (hold.Stopped is { Kind: StepStopKind.Unavailable } holdStopped)
            {
                // The hold may have been made with its answer lost: release it (an unknown hold is already free).
                return await UndoAsync(BookingOutcomes.Rejected, BookingSteps.HoldSlot, Unavailable(holdStopped));
            }

            if (hold.Value is not { Held: true } slot)
            {
                _slotMayBeHeld = false;
                return Rejected($"The slot could not be held: {hold.Value?.Refusal ?? hold.Stopped!.Reason}");
            }

            Status(BookingSteps.CreateBooking);
            _bookingMayExist = true;
            var created = await _steps.RunAsync<StepOutcome>(CreateBooking, new CreateBookingInput(
                _input.BookingId, _context.InstanceId, _input.StudentId, _input.StudentName, _input.TutorId, slot.TutorName!,
                _input.Subject, slot.Start, slot.End, slot.Price!), _holdExpiresAt);
            if (created.Stopped is { Kind: StepStopKind.Unavailable } createStopped)
            {
                return await UndoAsync(BookingOutcomes.Rejected, BookingSteps.CreateBooking, Unavailable(createStopped));
            }

            if (created.Value is not { Done: true })
            {
                // Refused: booking made nothing, so only the hold is undone.
                _bookingMayExist = false;
                return await UndoAsync(BookingOutcomes.Rejected, BookingSteps.CreateBooking,
                    $"The booking could not be created: {created.Value?.Refusal ?? created.Stopped!.Reason}");
            }

            Status(BookingSteps.CreatePaymentIntent);
            var description = $"{_input.Subject} with {slot.TutorName}, {slot.Start:yyyy-MM-dd HH:mm} UTC ({_input.DurationMinutes} min)";
            var intent = await _steps.RunAsync<PaymentIntentCreated>(CreatePaymentIntent,
                new CreatePaymentIntentInput(_input.BookingId, _input.StudentId, slot.Price!, description, _context.InstanceId), _holdExpiresAt);
            if (intent.Value is not { Created: true } payment)
            {
                return await UndoAsync(BookingOutcomes.Cancelled, BookingSteps.CreatePaymentIntent,
                    intent.Stopped is { Kind: StepStopKind.Unavailable } s ? Unavailable(s) : $"payment-unavailable: {intent.Value?.Refusal ?? intent.Stopped!.Reason}");
            }

            _paymentId = payment.PaymentId;
            Status(BookingSteps.MarkAwaitingPayment);
            var awaiting = await _steps.RunAsync<StepOutcome>(MarkAwaitingPayment,
                new AwaitingPaymentInput(_input.BookingId, payment.PaymentId, payment.PaymentIntentId!), _holdExpiresAt);
            if (awaiting.Value is not { Done: true })
            {
                return await UndoAsync(BookingOutcomes.Cancelled, BookingSteps.MarkAwaitingPayment,
                    awaiting.Stopped is { Kind: StepStopKind.Unavailable } s ? Unavailable(s) : $"booking-changed: {awaiting.Value?.Refusal ?? awaiting.Stopped!.Reason}");
            }

            // The window never outlasts the hold: a payment arriving after the slot was freed could not be honoured.
            Status(BookingSteps.AwaitingPayment);
            var paymentDeadline = Min(_context.CurrentUtcDateTime.Add(paymentTimeout), _holdExpiresAt);
            var failure = await WaitForPaymentAsync(_context, payment.PaymentId, paymentDeadline);
            if (failure is not null)
            {
                return await UndoAsync(BookingOutcomes.Cancelled, BookingSteps.AwaitingPayment, failure);
            }

            // Paid. From here an undo of the booking also gives the money back (VoidPayment refunds a succeeded payment).
            Status(BookingSteps.ConfirmBooking);
            var confirmed = await _steps.RunAsync<StepOutcome>(ConfirmBooking, _booking, _holdExpiresAt);
            if (confirmed.Value is not { Done: true })
            {
                return await UndoAsync(BookingOutcomes.Cancelled, BookingSteps.ConfirmBooking,
                    confirmed.Stopped is { Kind: StepStopKind.Unavailable } s ? Unavailable(s) : $"booking-conflict: {confirmed.Value?.Refusal ?? confirmed.Stopped!.Reason}");
            }

            Status(BookingSteps.BookSlot);
            var booked = await _steps.RunAsync<StepOutcome>(BookSlot, _booking, _holdExpiresAt);
            if (booked.Value is not { Done: true })
            {
                // The booking is confirmed by now, so cancelling it records the full refund VoidPayment makes.
                return await UndoAsync(BookingOutcomes.Cancelled, BookingSteps.BookSlot,
                    booked.Stopped is { Kind: StepStopKind.Unavailable } s ? Unavailable(s) : $"slot-lost: {booked.Value?.Refusal ?? booked.Stopped!.Reason}",
                    refund: slot.Price);
            }

            Status(BookingSteps.Confirmed);
            return new BookingPaymentOutput(BookingOutcomes.Confirmed, _input.BookingId, _paymentId, null);
        }

        private void Status(string step, string? reason = null) => _context.SetCustomStatus(new BookingProgress(step, _paymentId, reason));

        private BookingPaymentOutput Rejected(string reason)
        {
            Status(BookingSteps.Rejected, reason);
            return new BookingPaymentOutput(BookingOutcomes.Rejected, _input.BookingId, null, reason);
        }

        /// <summary>The user-facing reason when a service stayed unavailable: which one, and that the hold's time ran out.</summary>
        private static string Unavailable(StepStopped stopped) =>
            $"service-unavailable: {stopped.Reason} until the slot hold ran out ({stopped.Step} could not be completed)";

        /// <summary>
        /// Undoes whatever may have been done, in reverse: void the payment (when one exists), cancel the booking, release the slot.
        /// Each undo is retried like a step, for up to <see cref="CompensationPatience"/>; an undo that still cannot be done ends the
        /// instance FAILED with what was undone and what was not.
        /// </summary>
        private async Task<BookingPaymentOutput> UndoAsync(string outcome, string failedStep, string reason, MoneyAmount? refund = null)
        {
            var undo = new List<(SagaStep Step, object Input)>();
            if (_paymentId is { } id) { undo.Add((VoidPayment, new PaymentRef(id))); }
            if (_bookingMayExist) { undo.Add((CancelBooking, new CancelBookingInput(_input.BookingId, reason, refund))); }
            if (_slotMayBeHeld) { undo.Add((ReleaseSlot, _booking)); }

            var deadline = _context.CurrentUtcDateTime.Add(CompensationPatience);
            var undone = new List<string>();
            var steps = new SagaSteps(_context, StepPatience.Compensations,
                (step, waiting) => _context.SetCustomStatus(new BookingProgress(step.Name, _paymentId, $"undoing after {failedStep}; {waiting}")));
            foreach (var (step, input) in undo)
            {
                _context.SetCustomStatus(new BookingProgress(step.Name, _paymentId, $"undoing after {failedStep}"));
                // Refusals an undo step returns as values (an unknown hold or booking, one already cancelled) mean there is nothing left to undo.
                var run = await steps.RunAsync<object>(step, input, deadline);
                if (run.Stopped is { } stopped)
                {
                    throw new BookingSagaFailedException(
                        $"{failedStep} stopped the booking ({reason}) and undoing it could not finish at {step.Name}: " +
                        (stopped.Kind == StepStopKind.Unavailable ? $"{stopped.Reason} for {CompensationPatience.TotalHours:0} hours" : stopped.Reason) +
                        $". Undone: {(undone.Count == 0 ? "nothing" : string.Join(", ", undone))}; still to undo: {string.Join(", ", undo.Skip(undone.Count).Select(u => u.Step.Name))}.");
                }

                undone.Add(step.Name);
            }

            Status(outcome == BookingOutcomes.Rejected ? BookingSteps.Rejected : BookingSteps.Cancelled, reason);
            return new BookingPaymentOutput(outcome, _input.BookingId, _paymentId, reason);
        }

        private static DateTime Min(DateTime a, DateTime b) => a <= b ? a : b;
    }

    /// <summary>
    /// Waits for this payment's result, a withdrawal or the deadline, whichever comes first; null when the payment succeeded,
    /// else the reason to cancel. A result for another payment (a stale event) is ignored.
    /// </summary>
    private static async Task<string?> WaitForPaymentAsync(WorkflowContext context, Guid paymentId, DateTime deadline)
    {
        using var stop = new CancellationTokenSource();
        var timeout = context.CreateTimer(deadline, stop.Token);
        var withdrawn = context.WaitForExternalEventAsync<BookingWithdrawal>(BookingEvents.Withdrawn, stop.Token);
        try
        {
            while (true)
            {
                var result = context.WaitForExternalEventAsync<PaymentResult>(BookingEvents.PaymentResult, stop.Token);
                var first = await Task.WhenAny(result, withdrawn, timeout);
                if (first == timeout) { return "payment-timeout"; }
                if (first == withdrawn)
                {
                    var withdrawal = await withdrawn;
                    return $"withdrawn by the {withdrawal.RequestedBy}" + (withdrawal.Reason is { Length: > 0 } r ? $": {r}" : string.Empty);
                }

                var payment = await result;
                if (payment.PaymentId != paymentId) { continue; }
                return payment.Succeeded ? null : $"payment-failed: {payment.FailureCode ?? "unknown"}" + (payment.FailureMessage is { Length: > 0 } m ? $" ({m})" : string.Empty);
            }
        }
        finally
        {
            // Cancel, not CancelAsync: the callbacks must run here, on the workflow's own scheduler.
            stop.Cancel();
        }
    }
}

/// <summary>The saga could not finish undoing itself; the message says what stopped it, what was undone and what was not.</summary>
public sealed class BookingSagaFailedException(string message) : Exception(message);
