using DaprPlatform.Reports.Domain;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Reports.Features;

/// <summary>A link just created: the only time its URL (with the token) is shown.</summary>
public sealed record ShareCreatedResponse(Guid Id, string Kind, string Url, DateTimeOffset ExpiresAt, bool HasPassword);

/// <summary>An owner's link as listed: no URL (only the token's hash is kept), its views and state.</summary>
public sealed record ShareResponse(
    Guid Id, string Kind, Guid? ExportId, Guid ChannelId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool HasPassword,
    long ViewCount, bool Revoked, DateTimeOffset? RevokedAt, bool Expired)
{
    public static ShareResponse From(ShareLink s, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new ShareResponse(s.Id, s.Kind.ToString().ToLowerInvariant(), s.ExportId, s.ChannelId, s.CreatedAt, s.ExpiresAt, s.HasPassword,
            s.ViewCount, s.RevokedAt is not null, s.RevokedAt, s.IsExpired(now));
    }
}

/// <summary>The body of both share requests.</summary>
public sealed record CreateShareRequest(Guid? ChannelId, string? Kind, DateTimeOffset? ExpiresAt, string? Password);

/// <summary>The rules both kinds of share share: expiry and password checks, creation, the URL.</summary>
public static class ShareLinks
{
    public static DateTimeOffset? CheckExpiryAndPassword(CreateShareRequest request, DateTimeOffset now, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        if (ShareLink.CheckPassword(request.Password) is { } passwordError)
        {
            errors.Add("password", passwordError);
        }

        if (request.ExpiresAt is not { } expiresAt)
        {
            errors.Add("expiresAt", $"expiresAt is required (an ISO 8601 instant at most {ShareLink.MaxLifetimeDays} days ahead).");
            return null;
        }

        if (ShareLink.CheckExpiry(expiresAt, now) is { } expiryError)
        {
            errors.Add("expiresAt", expiryError);
            return null;
        }

        return expiresAt.ToUniversalTime();
    }

    public static async Task<ShareCreatedResponse> CreateAsync(
        ReportsDbContext db, IOptions<ReportsOptions> options, Guid ownerId, ShareKind kind, Guid? exportId, Guid channelId, DateTimeOffset expiresAt, string? password, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var (link, token) = ShareLink.Create(Guid.CreateVersion7(now), ownerId, kind, exportId, channelId, expiresAt, password, now);
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(ct);
        return new ShareCreatedResponse(link.Id, kind.ToString().ToLowerInvariant(), UrlOf(options.Value, token).ToString(), link.ExpiresAt, link.HasPassword);
    }

    /// <summary>The public address of a link: the gateway's <c>/api/shared/{token}</c>.</summary>
    public static Uri UrlOf(ReportsOptions options, string token)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Uri(options.PublicBaseUrl, $"/api/shared/{token}");
    }
}
