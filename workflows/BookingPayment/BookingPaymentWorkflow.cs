using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.BookingPayment;

/// <summary>
/// HoldSlot → CreateBooking (pending) → CreatePaymentIntent → MarkAwaitingPayment → wait for <c>payment-result</c> (or a
/// withdrawal, or the timeout) → ConfirmBooking → BookSlot. Anything that stops it after the hold undoes the completed
/// steps in reverse: VoidPayment (cancel the intent, or refund it when it succeeded after all), CancelBooking, ReleaseSlot.
/// The parties hear of the outcome from the booking.* and payment.* events the services publish on each change.
/// </summary>
public sealed class BookingPaymentWorkflow : Workflow<BookingPaymentInput, BookingPaymentOutput>
{
    /// <summary>Steps ride out a service restart; business refusals are values, not failures, so they never burn retries.</summary>
    public static readonly WorkflowRetryPolicy StepRetry = new(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(15));

    /// <summary>Undoing must not give up early: a half-undone booking holds a slot or money.</summary>
    public static readonly WorkflowRetryPolicy CompensationRetry = new(maxNumberOfAttempts: 10, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(60));

    /// <summary>The hold outlives the payment window by this much, so it cannot lapse while the saga still waits.</summary>
    public static readonly TimeSpan HoldMargin = TimeSpan.FromMinutes(5);

    private readonly SagaMetrics? _metrics;

    public BookingPaymentWorkflow()
        : this(metrics: null)
    {
    }

    public BookingPaymentWorkflow(SagaMetrics? metrics) => _metrics = metrics;

    public override async Task<BookingPaymentOutput> RunAsync(WorkflowContext context, BookingPaymentInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        BookingPaymentOutput output;
        try
        {
            output = await RunSagaAsync(context, input);
        }
        catch
        {
            // Undoing failed (BookingSagaFailedException), or a step failed for good: the instance ends FAILED.
            _metrics?.Ended(context, nameof(BookingPaymentWorkflow), SagaOutcome.Failed, "failed");
            throw;
        }

        // Rejected and cancelled bookings end with every completed step undone.
        var outcome = output.Outcome == BookingOutcomes.Confirmed ? SagaOutcome.Completed : SagaOutcome.Compensated;
        _metrics?.Ended(context, nameof(BookingPaymentWorkflow), outcome, output.Outcome);
        return output;
    }

    private static async Task<BookingPaymentOutput> RunSagaAsync(WorkflowContext context, BookingPaymentInput input)
    {
        var step = new WorkflowTaskOptions(StepRetry);
        var paymentTimeout = TimeSpan.FromSeconds(input.PaymentTimeoutSeconds);
        var bookingRef = new BookingRef(input.BookingId);

        context.SetCustomStatus(new BookingProgress(BookingSteps.HoldSlot));
        var holdMinutes = (int)Math.Ceiling((paymentTimeout + HoldMargin).TotalMinutes);
        var hold = await context.CallActivityAsync<SlotHold>(nameof(HoldSlotActivity),
            new HoldSlotInput(input.BookingId, input.TutorId, input.StudentId, input.Start, input.DurationMinutes, holdMinutes), step);
        if (!hold.Held)
        {
            return Rejected(context, input, $"The slot could not be held: {hold.Refusal}");
        }

        context.SetCustomStatus(new BookingProgress(BookingSteps.CreateBooking));
        var created = await context.CallActivityAsync<StepOutcome>(nameof(CreateBookingActivity), new CreateBookingInput(
            input.BookingId, context.InstanceId, input.StudentId, input.StudentName, input.TutorId, hold.TutorName!,
            input.Subject, hold.Start, hold.End, hold.Price!), step);
        if (!created.Done)
        {
            await SagaCompensation.RunAsync(context, BookingSteps.CreateBooking, null, [(BookingSteps.ReleaseSlot, nameof(ReleaseSlotActivity), bookingRef)]);
            return Rejected(context, input, $"The booking could not be created: {created.Refusal}");
        }

        context.SetCustomStatus(new BookingProgress(BookingSteps.CreatePaymentIntent));
        var description = $"{input.Subject} with {hold.TutorName}, {hold.Start:yyyy-MM-dd HH:mm} UTC ({input.DurationMinutes} min)";
        var intent = await context.CallActivityAsync<PaymentIntentCreated>(nameof(CreatePaymentIntentActivity),
            new CreatePaymentIntentInput(input.BookingId, input.StudentId, hold.Price!, description, context.InstanceId), step);
        if (!intent.Created)
        {
            return await CancelAsync(context, input, BookingSteps.CreatePaymentIntent, null, $"payment-unavailable: {intent.Refusal}");
        }

        var paymentId = intent.PaymentId;
        context.SetCustomStatus(new BookingProgress(BookingSteps.MarkAwaitingPayment, paymentId));
        var awaiting = await context.CallActivityAsync<StepOutcome>(nameof(MarkAwaitingPaymentActivity),
            new AwaitingPaymentInput(input.BookingId, paymentId, intent.PaymentIntentId!), step);
        if (!awaiting.Done)
        {
            return await CancelAsync(context, input, BookingSteps.MarkAwaitingPayment, paymentId, $"booking-changed: {awaiting.Refusal}");
        }

        context.SetCustomStatus(new BookingProgress(BookingSteps.AwaitingPayment, paymentId));
        var failure = await WaitForPaymentAsync(context, paymentId, paymentTimeout);
        if (failure is not null)
        {
            return await CancelAsync(context, input, BookingSteps.AwaitingPayment, paymentId, failure);
        }

        // Paid. From here an undo of the booking also gives the money back (VoidPayment refunds a succeeded payment).
        context.SetCustomStatus(new BookingProgress(BookingSteps.ConfirmBooking, paymentId));
        var confirmed = await context.CallActivityAsync<StepOutcome>(nameof(ConfirmBookingActivity), bookingRef, step);
        if (!confirmed.Done)
        {
            return await CancelAsync(context, input, BookingSteps.ConfirmBooking, paymentId, $"booking-conflict: {confirmed.Refusal}");
        }

        context.SetCustomStatus(new BookingProgress(BookingSteps.BookSlot, paymentId));
        var booked = await context.CallActivityAsync<StepOutcome>(nameof(BookSlotActivity), bookingRef, step);
        if (!booked.Done)
        {
            // The booking is confirmed by now, so cancelling it records the full refund VoidPayment makes.
            return await CancelAsync(context, input, BookingSteps.BookSlot, paymentId, $"slot-lost: {booked.Refusal}", refund: hold.Price);
        }

        context.SetCustomStatus(new BookingProgress(BookingSteps.Confirmed, paymentId));
        return new BookingPaymentOutput(BookingOutcomes.Confirmed, input.BookingId, paymentId, null);
    }

    /// <summary>
    /// Waits for this payment's result, a withdrawal or the deadline, whichever comes first; null when the payment succeeded,
    /// else the reason to cancel. A result for another payment (a stale event) is ignored.
    /// </summary>
    private static async Task<string?> WaitForPaymentAsync(WorkflowContext context, Guid paymentId, TimeSpan timeout)
    {
        using var stop = new CancellationTokenSource();
        var deadline = context.CreateTimer(context.CurrentUtcDateTime.Add(timeout), stop.Token);
        var withdrawn = context.WaitForExternalEventAsync<BookingWithdrawal>(BookingEvents.Withdrawn, stop.Token);
        try
        {
            while (true)
            {
                var result = context.WaitForExternalEventAsync<PaymentResult>(BookingEvents.PaymentResult, stop.Token);
                var first = await Task.WhenAny(result, withdrawn, deadline);
                if (first == deadline) { return "payment-timeout"; }
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

    private static BookingPaymentOutput Rejected(WorkflowContext context, BookingPaymentInput input, string reason)
    {
        context.SetCustomStatus(new BookingProgress(BookingSteps.Rejected, Reason: reason));
        return new BookingPaymentOutput(BookingOutcomes.Rejected, input.BookingId, null, reason);
    }

    /// <summary>Undoes what was done, in reverse: void the payment (when one exists), cancel the booking, release the slot.</summary>
    private static async Task<BookingPaymentOutput> CancelAsync(
        WorkflowContext context, BookingPaymentInput input, string failedStep, Guid? paymentId, string reason, MoneyAmount? refund = null)
    {
        var bookingRef = new BookingRef(input.BookingId);
        var steps = new List<(string, string, object)>();
        if (paymentId is { } id) { steps.Add((BookingSteps.VoidPayment, nameof(VoidPaymentActivity), new PaymentRef(id))); }
        steps.Add((BookingSteps.CancelBooking, nameof(CancelBookingActivity), new CancelBookingInput(input.BookingId, reason, refund)));
        steps.Add((BookingSteps.ReleaseSlot, nameof(ReleaseSlotActivity), bookingRef));
        await SagaCompensation.RunAsync(context, failedStep, paymentId, steps);
        context.SetCustomStatus(new BookingProgress(BookingSteps.Cancelled, paymentId, reason));
        return new BookingPaymentOutput(BookingOutcomes.Cancelled, input.BookingId, paymentId, reason);
    }
}

/// <summary>The saga could not finish undoing itself; the message says what failed, what was undone and what was not.</summary>
public sealed class BookingSagaFailedException(string message) : Exception(message);

/// <summary>Runs compensation steps in the given order with a patient retry policy; a step that still fails fails the instance loudly.</summary>
internal static class SagaCompensation
{
    public static async Task RunAsync(WorkflowContext context, string failedStep, Guid? paymentId, IReadOnlyList<(string Step, string Activity, object Input)> steps)
    {
        var undone = new List<string>();
        foreach (var (step, activity, input) in steps)
        {
            context.SetCustomStatus(new BookingProgress(step, paymentId, $"undoing after {failedStep}"));
            try
            {
                await context.CallActivityAsync(activity, input, new WorkflowTaskOptions(BookingPaymentWorkflow.CompensationRetry));
            }
            catch (WorkflowTaskFailedException e)
            {
                throw new BookingSagaFailedException(
                    $"{failedStep} stopped the booking and undoing it failed at {step}: {e.FailureDetails.ErrorMessage} " +
                    $"Undone: {(undone.Count == 0 ? "nothing" : string.Join(", ", undone))}; still to undo: {string.Join(", ", steps.Skip(undone.Count).Select(s => s.Step))}.");
            }

            undone.Add(step);
        }
    }
}
