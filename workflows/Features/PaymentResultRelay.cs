using DaprPlatform.Sidecar;
using DaprPlatform.Sidecar.Subscriptions;
using DaprPlatform.Sidecar.Workflows;
using DaprPlatform.Workflows.BookingPayment;

namespace DaprPlatform.Workflows.Features;

/// <summary>The part of payments' <c>payment.succeeded</c> / <c>payment.failed</c> events the saga needs.</summary>
public sealed record PaymentOutcomeEvent(Guid PaymentId, Guid BookingId, string? Status, string? WorkflowInstanceId, string? FailureCode, string? FailureMessage);

/// <summary>
/// Hands a payment's outcome to the BookingPayment instance named in it, as the <c>payment-result</c> event. Payments
/// publishes through its outbox in the same transaction as the webhook's effect, so the result cannot be lost between the
/// webhook and the workflow; a workflow lives in the app that hosts it, so this app raises the event through its own sidecar.
/// </summary>
public abstract class PaymentResultRelay(DaprWorkflowClient workflows, ILogger logger, bool succeeded) : ITopicHandler<PaymentOutcomeEvent>
{
    public async Task<TopicResponse> HandleAsync(PaymentOutcomeEvent data, CloudEventEnvelope envelope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (string.IsNullOrWhiteSpace(data.WorkflowInstanceId))
        {
            logger.LogWarning("Payment {PaymentId} names no workflow instance; nothing to tell.", data.PaymentId);
            return TopicResponse.Drop;
        }

        try
        {
            var state = await workflows.GetWorkflowStateAsync(data.WorkflowInstanceId, ct);
            if (state is null || !state.IsWorkflowRunning)
            {
                // Ended already (timed out, withdrawn): its compensation voided the payment, refunding it if this was a success.
                logger.LogInformation("Payment {PaymentId} result for {InstanceId} arrived after the saga ended ({Status}); not raised.",
                    data.PaymentId, data.WorkflowInstanceId, state is null ? "unknown" : WorkflowInstanceView.StatusName(state.RuntimeStatus));
                return TopicResponse.Success;
            }

            await workflows.RaiseEventAsync(data.WorkflowInstanceId, BookingEvents.PaymentResult,
                new PaymentResult(data.PaymentId, succeeded, data.FailureCode, data.FailureMessage), ct);
            return TopicResponse.Success;
        }
        catch (Exception e) when (e is SidecarException or HttpRequestException)
        {
            logger.LogWarning(e, "Could not raise the payment result of {PaymentId} on {InstanceId}; asking for redelivery.", data.PaymentId, data.WorkflowInstanceId);
            return TopicResponse.Retry;
        }
    }
}

public sealed class PaymentSucceededRelay(DaprWorkflowClient workflows, ILogger<PaymentSucceededRelay> logger) : PaymentResultRelay(workflows, logger, succeeded: true);

public sealed class PaymentFailedRelay(DaprWorkflowClient workflows, ILogger<PaymentFailedRelay> logger) : PaymentResultRelay(workflows, logger, succeeded: false);
