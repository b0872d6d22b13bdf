namespace DaprPlatform.Payments.Features;

public static class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/api/payments").WithTags("Payments");
        var signedIn = payments.MapGroup(string.Empty).RequireAuthorization();
        ListPayments.Map(signedIn);
        GetPayment.Map(signedIn);
        ConfirmPayment.Map(signedIn);
        // Internal routes carry their own rule (invocation only, not through the gateway) and no bearer.
        CreatePaymentIntent.Map(payments);
        RefundPayment.Map(payments);
        VoidPayment.Map(payments);
        StripeWebhook.Map(app);
        return app;
    }
}
