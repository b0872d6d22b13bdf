using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Features;

public static class PaymentsApi
{
    /// <summary>The app that runs the booking saga: the only caller that may create, refund or void payments.</summary>
    public const string SagaAppId = "workflows";

    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        // Public routes (through the gateway): a signed-in student or an admin.
        var payments = app.MapGroup("/api/payments").RequireAuthorization().WithTags("Payments");
        ListPayments.Map(payments);
        GetPayment.Map(payments);
        ConfirmPayment.Map(payments);

        // Invocation-only saga steps: outside /api, so the gateway never routes them, and only the saga's app is served.
        var steps = app.MapGroup("/internal/payments").RequireSidecarCaller(SagaAppId);
        CreatePaymentIntent.Map(steps);
        RefundPayment.Map(steps);
        VoidPayment.Map(steps);

        // Tutor payouts: the payout account and the history (through the gateway, tutors only).
        var payouts = app.MapGroup("/api/payouts").RequireAuthorization().WithTags("Payouts");
        ConnectPayoutAccount.Map(payouts);
        GetPayoutAccount.Map(payouts);
        ListPayouts.Map(payouts);
        InitiatePayout.Map(payouts);

        // The payout saga's steps and its calendar's question (invocation only, the workflows app only).
        var payoutSteps = app.MapGroup("/internal/payouts").RequireSidecarCaller(SagaAppId);
        OpenPayout.Map(payoutSteps);
        TransferPayout.Map(payoutSteps);
        DuePayouts.Map(payoutSteps);

        // Stripe calls this one (signed, no bearer), through the gateway.
        StripeWebhook.Map(app);
        return app;
    }
}
