using Microsoft.AspNetCore.Http.HttpResults;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

public sealed record SendWelcomeRequest(Guid? UserId, string? DisplayName, string? TelegramChatId, string? IdempotencyKey);

/// <param name="Duplicate">True when this idempotency key was already handled: nothing was sent again.</param>
public sealed record WelcomeResponse(Guid NotificationId, DeliveryChannel Channel, DeliveryStatus Status, bool Duplicate);

/// <summary>
/// Invocation-only steps of the onboarding saga: default preferences and the welcome message. Outside <c>/api</c>, so the
/// gateway never routes them, and only requests with the sidecar-stamped <c>dapr-caller-app-id</c> are served.
/// </summary>
public static class OnboardingApi
{
    public const string WelcomeConsumer = "notifications.onboarding-welcome";
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxDisplayNameLength = 100;

    public static IEndpointRouteBuilder MapOnboardingApi(this IEndpointRouteBuilder app)
    {
        // Only the onboarding saga calls these.
        var steps = app.MapGroup("/internal").RequireSidecarCaller("workflows");
        steps.MapPut("/preferences/{userId:guid}/defaults", SetDefaultPreferencesAsync);
        steps.MapPost("/notifications/welcome", SendWelcomeAsync);
        return app;
    }

    /// <summary>PUT: creates the default preferences when the user has none (201); existing choices are kept and returned (200).</summary>
    public static async Task<Results<Created<PreferencesResponse>, Ok<PreferencesResponse>, ValidationProblem>> SetDefaultPreferencesAsync(Guid userId, NotificationsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (userId == Guid.Empty)
        {
            var errors = new ValidationErrors();
            errors.Add("userId", "userId must not be the empty GUID.");
            return errors.ToProblem();
        }

        if (await db.Preferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, ct) is { } existing)
        {
            return TypedResults.Ok(PreferencesResponse.From(existing));
        }

        var preferences = NotificationPreferences.DefaultFor(userId, time.GetUtcNow());
        db.Preferences.Add(preferences);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // The user.registered handler (or a redelivered step) created them meanwhile: those stand.
            db.ChangeTracker.Clear();
            return TypedResults.Ok(PreferencesResponse.From(await db.Preferences.AsNoTracking().SingleAsync(p => p.UserId == userId, ct)));
        }

        return TypedResults.Created((string?)null, PreferencesResponse.From(preferences));
    }

    /// <summary>
    /// POST: the welcome, once per idempotency key (through the inbox): a Telegram message when a chat id is given, else an
    /// in-app notification. The notification row is the record of the message either way; the delivery log says where it went.
    /// </summary>
    public static async Task<Results<Ok<WelcomeResponse>, ValidationProblem, ConflictProblem>> SendWelcomeAsync(
        SendWelcomeRequest request, NotificationsDbContext db, Inbox<NotificationsDbContext> inbox, TelegramDelivery telegram, TimeProvider time, CancellationToken ct)
    {
        var errors = Validate(request);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var userId = request.UserId!.Value;
        var chatId = string.IsNullOrWhiteSpace(request.TelegramChatId) ? null : request.TelegramChatId.Trim();
        Notification? notification = null;
        DeliveryAttempt? delivery = null;
        var result = await inbox.ProcessOnceAsync(request.IdempotencyKey!.Trim(), WelcomeConsumer, token =>
        {
            var now = time.GetUtcNow();
            notification = Notification.Create(userId, WelcomeMessage.Kind, WelcomeMessage.Title(request.DisplayName!.Trim()), WelcomeMessage.Body("new"), now);
            // Pending before the send, sent after commit: a crash mid-send leaves a visible trace and never a second message.
            delivery = chatId is null
                ? DeliveryAttempt.Delivered(notification, DeliveryChannel.InApp, now)
                : DeliveryAttempt.Pending(notification, DeliveryChannel.Telegram, now);
            db.Notifications.Add(notification);
            db.DeliveryLog.Add(delivery);
            return Task.CompletedTask;
        }, ct);

        if (result == InboxResult.Duplicate)
        {
            var earlier = await db.DeliveryLog.AsNoTracking()
                .Where(d => d.UserId == userId && db.Notifications.Any(n => n.Id == d.NotificationId && n.Kind == WelcomeMessage.Kind))
                .OrderByDescending(d => d.AttemptedAt)
                .FirstOrDefaultAsync(ct);
            return earlier is null
                ? Problems.Conflict("This idempotency key was already used for another user's welcome.")
                : TypedResults.Ok(new WelcomeResponse(earlier.NotificationId, earlier.Channel, earlier.Status, Duplicate: true));
        }

        if (chatId is not null)
        {
            await telegram.DeliverAsync(delivery!, chatId, $"{notification!.Title}\n{notification.Body}", ct);
        }

        return TypedResults.Ok(new WelcomeResponse(notification!.Id, delivery!.Channel, delivery.Status, Duplicate: false));
    }

    private static ValidationErrors Validate(SendWelcomeRequest request)
    {
        var errors = new ValidationErrors();
        if (request.UserId is null || request.UserId == Guid.Empty)
        {
            errors.Add("userId", "userId is required.");
        }

        var name = request.DisplayName?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("displayName", "displayName is required.");
        }
        else if (name.Length > MaxDisplayNameLength || name.Any(char.IsControl))
        {
            errors.Add("displayName", $"displayName must be at most {MaxDisplayNameLength} characters without control characters.");
        }

        var chatId = request.TelegramChatId?.Trim();
        if (!string.IsNullOrEmpty(chatId) && !NotificationPreferences.IsValidTelegramChatId(chatId))
        {
            errors.Add("telegramChatId", "telegramChatId must be a numeric Telegram chat id or an @username (at most 64 characters).");
        }

        var key = request.IdempotencyKey?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            errors.Add("idempotencyKey", "idempotencyKey is required.");
        }
        else if (key.Length > MaxIdempotencyKeyLength)
        {
            errors.Add("idempotencyKey", $"idempotencyKey must be at most {MaxIdempotencyKeyLength} characters.");
        }

        return errors;
    }
}
