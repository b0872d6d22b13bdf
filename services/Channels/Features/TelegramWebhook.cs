using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DaprPlatform.Channels.Contracts;
using DaprPlatform.Channels.Domain;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Telegram;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace DaprPlatform.Channels.Features;

/// <param name="Status">ingested, duplicate, ignored, or paused (the channel is paused: acknowledged, nothing ingested).</param>
public sealed record WebhookReceipt(string Status, int Samples);

/// <summary>
/// POST /api/telegram/webhook — Telegram's update delivery. Anonymous (the gateway routes it without a bearer):
/// the secret token header is the authentication, checked before a single body byte is read. The body is read as
/// Telegram.Bot's <see cref="Update"/> with its own JSON settings. Every well-formed update gets 200, including ones
/// for unknown chats, because Telegram keeps redelivering anything else.
/// </summary>
public static class TelegramWebhook
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/telegram/webhook", HandleAsync)
            .AllowAnonymous()
            .WithTags("Telegram")
            .WithName("TelegramWebhook")
            .Accepts<Update>("application/json");

    public static async Task<Results<Ok<WebhookReceipt>, ValidationProblem, BadRequestProblem, UnauthorizedProblem, UnsupportedMediaTypeProblem, UnavailableProblem>> HandleAsync(
        HttpContext context,
        IOptions<TelegramSettings> options,
        ChannelsDbContext db,
        Outbox<ChannelsDbContext> outbox,
        TimeProvider time,
        CancellationToken ct)
    {
        var expected = options.Value.WebhookSecret;
        if (string.IsNullOrEmpty(expected))
        {
            return new UnavailableProblem(
                "The webhook secret is not configured (secret 'telegram:webhookSecret'), so no update can be authenticated.",
                "Telegram webhook is not configured.");
        }

        if (!SecretMatches(context.Request.Headers[SecretHeader], expected))
        {
            return Problems.Unauthorized($"Missing or wrong {SecretHeader} header.");
        }

        if (!context.Request.HasJsonContentType())
        {
            return new UnsupportedMediaTypeProblem("Send the update as application/json.");
        }

        Update? update;
        var errors = new ValidationErrors();
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(context.Request.Body, JsonBotAPI.Options, ct);
        }
        catch (JsonException e) when (e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            // The serializer names where the body went wrong ("$.channel_post.date"): that is the field at fault.
            errors.Add(e.Path[2..], e.Message);
            return errors.ToProblem();
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The body is not a Telegram update: {e.Message}");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            // Telegram.Bot's converters throw these for shapes they cannot read (a ChatMember without "status", a
            // date past year 9999); they are the sender's mistake, not ours.
            return Problems.BadRequest($"The body is not a Telegram update: {e.Message}");
        }

        if (update is null)
        {
            errors.Add("body", "A Telegram Update object is required.");
            return errors.ToProblem();
        }

        var now = time.GetUtcNow();
        var mapped = TelegramUpdateSamples.Map(update, now, out var problems);
        foreach (var (field, message) in problems)
        {
            errors.Add(field, message);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (mapped is null)
        {
            return TypedResults.Ok(new WebhookReceipt("ignored", 0));
        }

        var channel = await db.Channels.AsNoTracking().SingleOrDefaultAsync(c => c.TelegramChatId == mapped.ChatId, ct);
        if (channel is null)
        {
            return TypedResults.Ok(new WebhookReceipt("ignored", 0));
        }

        // Acknowledged so Telegram does not redeliver; a paused channel takes no metrics until it is resumed.
        if (channel.IsPaused)
        {
            return TypedResults.Ok(new WebhookReceipt("paused", 0));
        }

        var updateId = update.Id;
        if (await db.TelegramUpdates.AnyAsync(u => u.UpdateId == updateId, ct))
        {
            return TypedResults.Ok(new WebhookReceipt("duplicate", 0));
        }

        db.TelegramUpdates.Add(ProcessedTelegramUpdate.For(updateId, channel.Id, mapped.Type, mapped.Samples.Count, now));
        if (mapped.Samples.Count > 0)
        {
            // Same SaveChanges as the dedupe row: a redelivery finds the row and publishes nothing twice.
            outbox.Enqueue(ChannelMetricsBatch.Topic, MetricsBatch.For(channel.Id, mapped.Samples));
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(ChannelsDbContext.TelegramUpdatesPrimaryKey))
        {
            // A concurrent redelivery of the same update won the race.
            return TypedResults.Ok(new WebhookReceipt("duplicate", 0));
        }

        return TypedResults.Ok(new WebhookReceipt("ingested", mapped.Samples.Count));
    }

    // Hashing first gives both sides the same length, so the comparison time says nothing about the secret's length.
    private static bool SecretMatches(string? presented, string expected)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
