using Dapr;
using Dapr.Workflow;
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
public static class PaymentResultRelay
{
    public const string PubsubName = "pubsub";

    public static IEndpointRouteBuilder MapPaymentResultRelay(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/payment-succeeded", (PaymentOutcomeEvent data, DaprWorkflowClient workflows, ILogger<PaymentOutcomeEvent> logger, CancellationToken ct) =>
                RelayAsync(data, succeeded: true, workflows, logger, ct))
            .WithTopic(new TopicOptions { PubsubName = PubsubName, Name = "payment.succeeded", DeadLetterTopic = "payment.succeeded.deadletter" })
            .ExcludeFromDescription();
        app.MapPost("/events/payment-failed", (PaymentOutcomeEvent data, DaprWorkflowClient workflows, ILogger<PaymentOutcomeEvent> logger, CancellationToken ct) =>
                RelayAsync(data, succeeded: false, workflows, logger, ct))
            .WithTopic(new TopicOptions { PubsubName = PubsubName, Name = "payment.failed", DeadLetterTopic = "payment.failed.deadletter" })
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Answers Dapr's delivery statuses: SUCCESS, RETRY (redeliver later) or DROP (never deliverable).</summary>
    public static async Task<IResult> RelayAsync(PaymentOutcomeEvent data, bool succeeded, DaprWorkflowClient workflows, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(workflows);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(data.WorkflowInstanceId) || !WorkflowInstanceView.IsInstanceId(data.WorkflowInstanceId))
        {
            logger.LogWarning("Payment {PaymentId} names no workflow instance; nothing to tell.", data.PaymentId);
            return Delivery("DROP");
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
                return Delivery("SUCCESS");
            }

            await workflows.RaiseEventAsync(data.WorkflowInstanceId, BookingEvents.PaymentResult,
                new PaymentResult(data.PaymentId, succeeded, data.FailureCode, data.FailureMessage), bounded.Token);
            return Delivery("SUCCESS");
        }
        catch (Exception e) when (WorkflowInstanceView.IsUnavailable(e) || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(e, "Could not raise the payment result of {PaymentId} on {InstanceId}; asking for redelivery.", data.PaymentId, data.WorkflowInstanceId);
            return Delivery("RETRY");
        }
    }

    private static IResult Delivery(string status) => TypedResults.Ok(new { status });
}
