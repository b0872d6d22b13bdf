using System.Globalization;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

/// <param name="Kind">payment-reminder, plan-downgraded or payment-received.</param>
/// <param name="GraceUntil">When the owner is downgraded unless the renewal is paid.</param>
/// <param name="Reminder">The reminder's number (1-based) for payment-reminder.</param>
/// <param name="Plan">The plan the owner is on after a downgrade.</param>
public sealed record BillingNoticeRequest(Guid? UserId, string? Kind, DateTimeOffset? GraceUntil, int? Reminder, string? Plan, string? IdempotencyKey);

/// <param name="Duplicate">True when this idempotency key was handled already: nothing was sent again.</param>
public sealed record BillingNoticeResponse(bool Duplicate);

/// <summary>
/// POST /internal/notifications/billing — the dunning saga's notices to an owner whose renewal failed (reminders, the
/// downgrade, "payment received"): in-app, and Telegram when their preferences say so; once per idempotency key (the
/// saga's instance + step). Invocation only, the workflows app only.
/// </summary>
public static class BillingNoticeApi
{
    public const string Consumer = "notifications.billing-notice";
    public const int MaxPlanLength = 32;

    private static readonly string[] Kinds = ["payment-reminder", "plan-downgraded", "payment-received"];

    public static IEndpointRouteBuilder MapBillingNoticeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/notifications/billing", SendAsync).RequireSidecarCaller("workflows");
        return app;
    }

    public static async Task<Results<Ok<BillingNoticeResponse>, ValidationProblem>> SendAsync(
        BillingNoticeRequest? request, NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, CancellationToken ct)
    {
        var errors = Validate(request);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var userId = request!.UserId!.Value;
        var (title, body) = Compose(request);
        var sends = new List<(DeliveryAttempt Attempt, string ChatId)>();
        var result = await inbox.ProcessOnceAsync(request.IdempotencyKey!.Trim(), Consumer, async token =>
        {
            var now = time.GetUtcNow();
            var notification = Notification.Create(userId, request.Kind!, title, body, now);
            db.Notifications.Add(notification);
            db.DeliveryLog.Add(DeliveryAttempt.Delivered(notification, DeliveryChannel.InApp, now));
            var preferences = await db.Preferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, token);
            if (preferences is { WantsTelegram: true, TelegramChatId: { } chatId })
            {
                // Pending before the send, sent after commit: a crash mid-send leaves a trace and never a second message.
                var pending = DeliveryAttempt.Pending(notification, DeliveryChannel.Telegram, now);
                db.DeliveryLog.Add(pending);
                sends.Add((pending, chatId));
            }
        }, ct);

        if (result == InboxResult.Duplicate)
        {
            return TypedResults.Ok(new BillingNoticeResponse(Duplicate: true));
        }

        foreach (var (attempt, chatId) in sends)
        {
            await telegram.DeliverAsync(attempt, chatId, $"{title}\n{body}", ct);
        }

        return TypedResults.Ok(new BillingNoticeResponse(Duplicate: false));
    }

    private static (string Title, string Body) Compose(BillingNoticeRequest request)
    {
        var grace = request.GraceUntil!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return request.Kind switch
        {
            "payment-reminder" => ("Your plan's renewal payment failed",
                $"Reminder {request.Reminder}: please update your card or pay the open invoice by {grace}; after that your plan changes to free. Nothing is deleted: channels over the free limit are paused."),
            "plan-downgraded" => ("Your plan is now free",
                $"The renewal was not paid by {grace}, so your subscription was canceled and you are on the {request.Plan ?? "free"} plan. Channels over its limit are paused, not deleted; subscribe again to resume them."),
            _ => ("Payment received", "Thank you: your renewal is paid and your plan continues."),
        };
    }

    private static ValidationErrors Validate(BillingNoticeRequest? request)
    {
        var errors = new ValidationErrors();
        if (request?.UserId is not { } userId || userId == Guid.Empty)
        {
            errors.Add("userId", "userId is required.");
        }

        if (request?.Kind is not { } kind || !Kinds.Contains(kind, StringComparer.Ordinal))
        {
            errors.Add("kind", $"kind must be one of {string.Join(", ", Kinds)}.");
        }

        if (request?.GraceUntil is null)
        {
            errors.Add("graceUntil", "graceUntil is required.");
        }

        if (request?.Kind == "payment-reminder" && request.Reminder is not (>= 1 and <= 100))
        {
            errors.Add("reminder", "reminder is required for a payment-reminder: its number, 1..100.");
        }

        if (request?.Plan is { Length: > MaxPlanLength })
        {
            errors.Add("plan", $"plan must be at most {MaxPlanLength} characters.");
        }

        var key = request?.IdempotencyKey?.Trim();
        if (string.IsNullOrEmpty(key) || key.Length > OnboardingApi.MaxIdempotencyKeyLength)
        {
            errors.Add("idempotencyKey", $"idempotencyKey is required (at most {OnboardingApi.MaxIdempotencyKeyLength} characters).");
        }

        return errors;
    }
}
