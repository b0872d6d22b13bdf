using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Notifications.Domain;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Features;

public sealed record PreferencesResponse(bool InApp, bool Telegram, bool Email, string? TelegramChatId)
{
    public static PreferencesResponse From(NotificationPreferences p) => new(p.InApp, p.Telegram, p.Email, p.TelegramChatId);
}

/// <summary>Every field is nullable so a missing one becomes a field error instead of silently meaning false.</summary>
public sealed record UpdatePreferencesRequest(bool? InApp, bool? Telegram, bool? Email, string? TelegramChatId);

/// <summary>GET and PUT /api/notifications/preferences — the caller's channel choices.</summary>
public static class NotificationPreferencesEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/preferences", GetAsync).WithName("GetNotificationPreferences");
        api.MapPut("/preferences", UpdateAsync).WithName("UpdateNotificationPreferences");
    }

    public static async Task<Ok<PreferencesResponse>> GetAsync(ClaimsPrincipal user, NotificationsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var userId = user.GetUserId();
        // Reading does not write: a user whose welcome event has not arrived yet sees the defaults it will create.
        var preferences = await db.Preferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, ct)
            ?? NotificationPreferences.DefaultFor(userId, time.GetUtcNow());
        return TypedResults.Ok(PreferencesResponse.From(preferences));
    }

    public static async Task<Results<Ok<PreferencesResponse>, ValidationProblem>> UpdateAsync(UpdatePreferencesRequest? request, ClaimsPrincipal user, NotificationsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = Validate(request);
        if (!errors.IsEmpty || request is null)
        {
            return errors.ToProblem();
        }

        var userId = user.GetUserId();
        var now = time.GetUtcNow();
        var preferences = await db.Preferences.SingleOrDefaultAsync(p => p.UserId == userId, ct);
        if (preferences is null)
        {
            preferences = NotificationPreferences.DefaultFor(userId, now);
            db.Preferences.Add(preferences);
        }

        preferences.Update(request.InApp!.Value, request.Telegram!.Value, request.Email!.Value, request.TelegramChatId, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (db.Entry(preferences).State == EntityState.Added)
        {
            // A concurrent first write (e.g. the welcome event) created the row meanwhile: apply on top of it.
            db.Entry(preferences).State = EntityState.Detached;
            var existing = await db.Preferences.SingleAsync(p => p.UserId == userId, ct);
            existing.Update(request.InApp.Value, request.Telegram.Value, request.Email.Value, request.TelegramChatId, now);
            await db.SaveChangesAsync(ct);
            preferences = existing;
        }

        return TypedResults.Ok(PreferencesResponse.From(preferences));
    }

    private static ValidationErrors Validate(UpdatePreferencesRequest? request)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "A JSON object with inApp, telegram and email is required.");
            return errors;
        }

        if (request.InApp is null)
        {
            errors.Add("inApp", "inApp is required.");
        }

        if (request.Telegram is null)
        {
            errors.Add("telegram", "telegram is required.");
        }

        if (request.Email is null)
        {
            errors.Add("email", "email is required.");
        }

        var chatId = request.TelegramChatId?.Trim();
        if (!string.IsNullOrEmpty(chatId) && !NotificationPreferences.IsValidTelegramChatId(chatId))
        {
            errors.Add("telegramChatId", "telegramChatId must be a numeric Telegram chat id or an @username (at most 64 characters).");
        }
        else if (request.Telegram == true && string.IsNullOrEmpty(chatId))
        {
            errors.Add("telegramChatId", "telegramChatId is required when telegram is on.");
        }

        return errors;
    }
}
