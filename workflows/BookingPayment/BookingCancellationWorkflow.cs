using Dapr.Workflow;
using DaprPlatform.Workflows.Sagas;
using DaprPlatform.Workflows.ServiceSteps;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.BookingPayment;

/// <summary>
/// Cancelling a confirmed booking: QuoteRefund (booking's policy, for the moment the cancellation was asked for) →
/// RefundPayment (when the policy gives anything back) → CancelBooking (refunded or cancelled) → ReleaseSlot. The money
/// goes back before the booking changes state, so a cancelled booking never waits for a refund that did not happen.
/// </summary>
public sealed class BookingCancellationWorkflow : Workflow<BookingCancellationInput, BookingCancellationOutput>
{
    public override async Task<BookingCancellationOutput> RunAsync(WorkflowContext context, BookingCancellationInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        BookingCancellationOutput output;
        try
        {
            output = await RunSagaAsync(context, input);
        }
        catch
        {
            await SagaOutcomes.RecordAsync(context, nameof(BookingCancellationWorkflow), SagaOutcome.Failed, "failed");
            throw;
        }

        // Nothing here is undone: ending as designed (cancelled, or refused as not cancellable) is completion.
        await SagaOutcomes.RecordAsync(context, nameof(BookingCancellationWorkflow), SagaOutcome.Completed, output.Outcome);
        return output;
    }

    /// <summary>Every step here must finish (money may already be back with the student), so each keeps retrying a service that is down this long.</summary>
    public static readonly TimeSpan Patience = BookingPaymentWorkflow.CompensationPatience;

    private static readonly SagaStep QuoteRefund = new(BookingSteps.QuoteRefund, nameof(QuoteRefundActivity), "booking");
    private static readonly SagaStep RefundPayment = new(BookingSteps.RefundPayment, nameof(RefundPaymentActivity), "payments");

    private static async Task<BookingCancellationOutput> RunSagaAsync(WorkflowContext context, BookingCancellationInput input)
    {
        var bookingRef = new BookingRef(input.BookingId);
        var deadline = context.CurrentUtcDateTime.Add(Patience);
        Guid? paymentId = null;
        var steps = new SagaSteps(context, StepPatience.Compensations, (step, waiting) => context.SetCustomStatus(new BookingProgress(step.Name, paymentId, waiting)));

        context.SetCustomStatus(new BookingProgress(BookingSteps.QuoteRefund));
        var quoted = await steps.RunAsync<RefundQuote>(QuoteRefund, new RefundQuoteInput(input.BookingId, input.RequestedBy, input.RequestedAt), deadline);
        if (quoted.Stopped is { Kind: StepStopKind.Unavailable } unavailable)
        {
            throw new BookingSagaFailedException($"The booking could not be cancelled: {unavailable.Reason}. The booking was left as it was.");
        }

        if (quoted.Value is not { Cancellable: true } quote)
        {
            var refusal = quoted.Value?.Refusal ?? quoted.Stopped!.Reason;
            context.SetCustomStatus(new BookingProgress(BookingSteps.Rejected, Reason: refusal));
            return new BookingCancellationOutput(BookingOutcomes.NotCancellable, input.BookingId, null, refusal);
        }

        paymentId = quote.PaymentId;
        var reason = $"cancelled by the {input.RequestedBy}" + (input.Reason is { Length: > 0 } r ? $": {r}" : string.Empty);
        var refund = quote.Refund is { IsPositive: true } amount ? amount : null;
        if (refund is not null)
        {
            if (quote.PaymentId is not { } paid)
            {
                throw new BookingSagaFailedException($"Booking {input.BookingId} is due a refund of {refund.Amount} {refund.Currency} but has no payment on record.");
            }

            context.SetCustomStatus(new BookingProgress(BookingSteps.RefundPayment, paid));
            var refunded = await steps.RunAsync<StepOutcome>(RefundPayment, new RefundPaymentInput(paid, refund, "requested_by_customer"), deadline);
            if (refunded.Value is not { Done: true })
            {
                throw new BookingSagaFailedException($"The refund of booking {input.BookingId} could not be made: {refunded.Value?.Refusal ?? refunded.Stopped!.Reason}. The booking was left as it was.");
            }
        }

        context.SetCustomStatus(new BookingProgress(BookingSteps.CancelBooking, paymentId));
        var cancelled = await steps.RunAsync<StepOutcome>(BookingPaymentWorkflow.CancelBooking, new CancelBookingInput(input.BookingId, reason, refund), deadline);
        if (cancelled.Value is not { Done: true })
        {
            throw new BookingSagaFailedException($"Booking {input.BookingId} could not be cancelled after the refund: {cancelled.Value?.Refusal ?? cancelled.Stopped!.Reason}.");
        }

        context.SetCustomStatus(new BookingProgress(BookingSteps.ReleaseSlot, paymentId));
        var released = await steps.RunAsync<StepDone>(BookingPaymentWorkflow.ReleaseSlot, bookingRef, deadline);
        if (released.Stopped is { } notReleased)
        {
            throw new BookingSagaFailedException($"Booking {input.BookingId} was cancelled but its slot could not be freed: {notReleased.Reason}.");
        }

        var outcome = refund is null ? BookingOutcomes.Cancelled : BookingOutcomes.Refunded;
        context.SetCustomStatus(new BookingProgress(refund is null ? BookingSteps.Cancelled : BookingSteps.Refunded, paymentId, reason));
        return new BookingCancellationOutput(outcome, input.BookingId, refund, reason);
    }
}
