using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.Workflows.Telemetry;

namespace DaprPlatform.Workflows.BookingPayment;

/// <summary>
/// Cancelling a confirmed booking: QuoteRefund (booking's policy, for the moment the cancellation was asked for) →
/// RefundPayment (when the policy gives anything back) → CancelBooking (refunded or cancelled) → ReleaseSlot. The money
/// goes back before the booking changes state, so a cancelled booking never waits for a refund that did not happen.
/// </summary>
public sealed class BookingCancellationWorkflow : Workflow<BookingCancellationInput, BookingCancellationOutput>
{
    private readonly SagaMetrics? _metrics;

    public BookingCancellationWorkflow()
        : this(metrics: null)
    {
    }

    public BookingCancellationWorkflow(SagaMetrics? metrics) => _metrics = metrics;

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
            _metrics?.Ended(context, nameof(BookingCancellationWorkflow), SagaOutcome.Failed, "failed");
            throw;
        }

        // Nothing here is undone: ending as designed (cancelled, or refused as not cancellable) is completion.
        _metrics?.Ended(context, nameof(BookingCancellationWorkflow), SagaOutcome.Completed, output.Outcome);
        return output;
    }

    private static async Task<BookingCancellationOutput> RunSagaAsync(WorkflowContext context, BookingCancellationInput input)
    {
        var step = new WorkflowTaskOptions(BookingPaymentWorkflow.StepRetry);
        var bookingRef = new BookingRef(input.BookingId);

        context.SetCustomStatus(new BookingProgress(BookingSteps.QuoteRefund));
        var quote = await context.CallActivityAsync<RefundQuote>(nameof(QuoteRefundActivity), new RefundQuoteInput(input.BookingId, input.RequestedBy, input.RequestedAt), step);
        if (!quote.Cancellable)
        {
            context.SetCustomStatus(new BookingProgress(BookingSteps.Rejected, Reason: quote.Refusal));
            return new BookingCancellationOutput(BookingOutcomes.NotCancellable, input.BookingId, null, quote.Refusal);
        }

        var reason = $"cancelled by the {input.RequestedBy}" + (input.Reason is { Length: > 0 } r ? $": {r}" : string.Empty);
        var refund = quote.Refund is { IsPositive: true } amount ? amount : null;
        if (refund is not null)
        {
            if (quote.PaymentId is not { } paymentId)
            {
                throw new BookingSagaFailedException($"Booking {input.BookingId} is due a refund of {refund.Amount} {refund.Currency} but has no payment on record.");
            }

            context.SetCustomStatus(new BookingProgress(BookingSteps.RefundPayment, paymentId));
            var refunded = await context.CallActivityAsync<StepOutcome>(nameof(RefundPaymentActivity),
                new RefundPaymentInput(paymentId, refund, "requested_by_customer"), new WorkflowTaskOptions(BookingPaymentWorkflow.CompensationRetry));
            if (!refunded.Done)
            {
                throw new BookingSagaFailedException($"Payments refused the refund of booking {input.BookingId}: {refunded.Refusal} The booking was left as it was.");
            }
        }

        context.SetCustomStatus(new BookingProgress(BookingSteps.CancelBooking, quote.PaymentId));
        var cancelled = await context.CallActivityAsync<StepOutcome>(nameof(CancelBookingActivity),
            new CancelBookingInput(input.BookingId, reason, refund), new WorkflowTaskOptions(BookingPaymentWorkflow.CompensationRetry));
        if (!cancelled.Done)
        {
            throw new BookingSagaFailedException($"Booking refused to cancel {input.BookingId} after the refund: {cancelled.Refusal}");
        }

        context.SetCustomStatus(new BookingProgress(BookingSteps.ReleaseSlot, quote.PaymentId));
        await context.CallActivityAsync(nameof(ReleaseSlotActivity), bookingRef, new WorkflowTaskOptions(BookingPaymentWorkflow.CompensationRetry));

        var outcome = refund is null ? BookingOutcomes.Cancelled : BookingOutcomes.Refunded;
        context.SetCustomStatus(new BookingProgress(refund is null ? BookingSteps.Cancelled : BookingSteps.Refunded, quote.PaymentId, reason));
        return new BookingCancellationOutput(outcome, input.BookingId, refund, reason);
    }
}
