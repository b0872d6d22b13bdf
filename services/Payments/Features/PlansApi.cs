using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Payments.Features;

public static class PlansApi
{
    /// <summary>The app that runs the dunning saga: the only caller of the subscription steps.</summary>
    public const string SagaAppId = "workflows";

    public static IEndpointRouteBuilder MapPlansApi(this IEndpointRouteBuilder app)
    {
        // The catalogue (anonymous) and the signed-in owner's subscription, through the gateway.
        ListPlans.Map(app);
        var subscriptions = app.MapGroup("/api/subscriptions").RequireAuthorization().WithTags("Subscriptions");
        Subscribe.Map(subscriptions);
        GetMySubscription.Map(subscriptions);
        ChangePlan.Map(subscriptions);
        CancelSubscription.Map(subscriptions);
        UpdatePaymentMethod.Map(subscriptions);

        // The dunning saga's steps (invocation only, the workflows app only).
        var steps = app.MapGroup("/internal/subscriptions").RequireSidecarCaller(SagaAppId);
        DunningSteps.Map(steps);
        return app;
    }
}
