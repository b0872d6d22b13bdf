using Dapr;
using Dapr.Workflow;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Workflows.BookingPayment;

namespace DaprPlatform.Workflows.Features;

/// <summary>The part of payments' <c>payment.succeeded</c> / <c>payment.failed</c> events the saga needs.</summary>
public sealed record PaymentOutcomeEvent(Guid PaymentId, Guid BookingId, string? Status, string? WorkflowInstanceId, string? FailureCode, string? FailureMessage);

/// <summary>
/// Hands a payment's outcome to the BookingPayment instance named in it, as the <c>payment-result</c> event. Payments
/// publishes through its outbox in the same transaction as the webhook's effect, so the result cannot be lost between the
/// webhook and the workflow; a workflow lives in the app that hosts it, so this app raises the event through its own sidecar.
/// Subscriptions are Dapr.AspNetCore's: <c>UseCloudEvents</c> unwraps the envelope, <c>MapSubscribeHandler</c> lists the topics.
/// </summary>
public sealed class PaymentResultRelay(DaprWorkflowClient workflows, ILogger<PaymentResultRelay> logger)
{
    /// <summary>SUCCESS once raised (or when the saga already ended), RETRY while the sidecar cannot be reached, DROP when no instance is named.</summary>
    public async Task<SubscriberStatus> RelayAsync(PaymentOutcomeEvent data, bool succeeded, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (string.IsNullOrWhiteSpace(data.WorkflowInstanceId) || !WorkflowInstanceView.IsInstanceId(data.WorkflowInstanceId))
        {
            logger.LogWarning("Payment {PaymentId} names no workflow instance; nothing to tell.", data.PaymentId);
            return SubscriberStatus.Drop;
        }

        // A sidecar that does not answer must not hold the delivery: RETRY lets the broker try again later.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(WorkflowInstanceView.SidecarCallTimeout);
        try
        {
            var state = await WorkflowInstanceView.GetAsync(workflows, data.WorkflowInstanceId, bounded.Token);
            if (state is null || !state.IsWorkflowRunning)
            {
                // Ended already (timed out, withdrawn): its compensation voided the payment, refunding it if this was a success.
                logger.LogInformation("Payment {PaymentId} result for {InstanceId} arrived after the saga ended ({Status}); not raised.",
                    data.PaymentId, data.WorkflowInstanceId, state is null ? "unknown" : WorkflowInstanceView.StatusName(state.RuntimeStatus));
                return SubscriberStatus.Success;
            }

            await workflows.RaiseEventAsync(data.WorkflowInstanceId, BookingEvents.PaymentResult,
                new PaymentResult(data.PaymentId, succeeded, data.FailureCode, data.FailureMessage), bounded.Token);
            return SubscriberStatus.Success;
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e) || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(e, "Could not raise the payment result of {PaymentId} on {InstanceId}; asking for redelivery.", data.PaymentId, data.WorkflowInstanceId);
            return SubscriberStatus.Retry;
        }
    }
}

public static class PaymentResultSubscriptions
{
    /// <summary>The two subscriptions (each with its dead-letter topic); an unreadable event is dropped by <see cref="TopicDelivery"/>.</summary>
    public static IEndpointRouteBuilder MapPaymentResultRelay(this IEndpointRouteBuilder app)
    {
        app.MapTopic<PaymentOutcomeEvent, PaymentResultRelay>("/events/payment-succeeded",
            PlatformTopics.Subscription(PlatformTopics.PaymentSucceeded),
            (relay, e, ct) => relay.RelayAsync(e.Data, succeeded: true, ct));
        app.MapTopic<PaymentOutcomeEvent, PaymentResultRelay>("/events/payment-failed",
            PlatformTopics.Subscription(PlatformTopics.PaymentFailed),
            (relay, e, ct) => relay.RelayAsync(e.Data, succeeded: false, ct));
        return app;
    }
}
