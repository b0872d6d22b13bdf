using System.Text.Json;
using Dapr.Workflow;
using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Dunning;

// The dunning saga's activities: one invocation each, carrying the step's idempotency key (instance id + step).

/// <summary>Reads the subscription's status at payments (a recovery whose event was lost still stops the reminders).</summary>
public sealed class GetSubscriptionActivity(ServiceStepCall call) : WorkflowActivity<SubscriptionRef, SubscriptionState>
{
    public override async Task<SubscriptionState> RunAsync(WorkflowActivityContext context, SubscriptionRef input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, DunningSteps.CheckSubscription, HttpMethod.Get, "payments", $"internal/subscriptions/{Uri.EscapeDataString(input.SubscriptionId)}");
        return SubscriptionAnswer.Read(answer, recovered: false);
    }
}

/// <summary>
/// The downgrade at the grace end: payments cancels the subscription at Stripe and sets the free plan (plan.changed
/// "downgraded"); a repeat answers the ended subscription again. 409 means the renewal was paid meanwhile.
/// </summary>
public sealed class DowngradeSubscriptionActivity(ServiceStepCall call) : WorkflowActivity<SubscriptionRef, SubscriptionState>
{
    public override async Task<SubscriptionState> RunAsync(WorkflowActivityContext context, SubscriptionRef input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, DunningSteps.Downgrade, HttpMethod.Post, "payments",
            $"internal/subscriptions/{Uri.EscapeDataString(input.SubscriptionId)}/downgrade", refusals: [409]);
        return answer.StatusCode == 409 ? new SubscriptionState("active", string.Empty, Recovered: true) : SubscriptionAnswer.Read(answer, recovered: false);
    }
}

/// <summary>Tells the owner (in-app, and Telegram when their preferences say so); notifications sends each step's notice once.</summary>
public sealed class SendDunningNoticeActivity(ServiceStepCall call) : WorkflowActivity<DunningNotice, StepDone>
{
    public override async Task<StepDone> RunAsync(WorkflowActivityContext context, DunningNotice input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var answer = await call.SendAsync(context, input.Step, HttpMethod.Post, "notifications", "internal/notifications/billing", new
        {
            userId = input.OwnerId,
            kind = input.Kind,
            graceUntil = new DateTimeOffset(input.GraceUntil, TimeSpan.Zero),
            reminder = input.Number,
            plan = input.Plan,
            idempotencyKey = ServiceStepCall.IdempotencyKey(context, input.Step),
        });
        return new StepDone(input.Step, answer.StatusCode);
    }
}

internal static class SubscriptionAnswer
{
    public static SubscriptionState Read(ServiceStepResponse answer, bool recovered)
    {
        var body = answer.Body ?? throw new ServiceStepException("payments", answer.StatusCode, "payments answered without the subscription.");
        try
        {
            return new SubscriptionState(body.GetProperty("status").GetString()!, body.GetProperty("plan").GetString()!, recovered);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or JsonException)
        {
            throw new ServiceStepException("payments", answer.StatusCode, $"payments answered a subscription without its fields ({e.Message}).");
        }
    }
}
