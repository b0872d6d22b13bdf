using System.Globalization;
using System.Security.Claims;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Channels.Features;

public sealed record ChannelPage(IReadOnlyList<ChannelResponse> Items, int Page, int PageSize, int Total);

/// <summary>GET /api/channels?page=&amp;pageSize= — the caller's channels (an admin's: all), newest first.</summary>
public static class ListChannels
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/", HandleAsync).WithName("ListChannels").Produces<ChannelPage>().ProducesValidationProblem();

    // Paging values arrive as strings so a non-number becomes a field error rather than a binding failure.
    public static async Task<IResult> HandleAsync(string? page, string? pageSize, ClaimsPrincipal user, ChannelsDbContext db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var pageNumber = Parse(page, "page", 1, 1, int.MaxValue, errors);
        var size = Parse(pageSize, "pageSize", DefaultPageSize, 1, MaxPageSize, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var visible = db.Channels.AsNoTracking();
        if (!user.IsAdmin())
        {
            var userId = user.GetUserId();
            visible = visible.Where(c => c.OwnerId == userId);
        }

        var total = await visible.CountAsync(ct);
        var items = await visible
            .OrderByDescending(c => c.CreatedAt)
            .ThenByDescending(c => c.Id)
            .Skip((int)Math.Min((long)(pageNumber - 1) * size, int.MaxValue))
            .Take(size)
            .ToListAsync(ct);

        return TypedResults.Ok(new ChannelPage(items.Select(ChannelResponse.From).ToList(), pageNumber, size, total));
    }

    private static int Parse(string? raw, string field, int fallback, int min, int max, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(field, max == int.MaxValue
                ? $"{field} must be a whole number of at least {min}."
                : $"{field} must be a whole number from {min} to {max}.");
            return fallback;
        }

        return value;
    }
}
