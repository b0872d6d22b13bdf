using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace DaprPlatform.Reports.Domain;

/// <summary>What a share link shows: one export's file, or a channel's live summary.</summary>
public enum ShareKind
{
    Export,
    Dashboard,
}

/// <summary>Why a share link cannot be used right now (checked in this order).</summary>
public enum ShareRefusal
{
    None,
    Revoked,
    Expired,
    TooManyAttempts,
    PasswordRequired,
    WrongPassword,
}

/// <summary>
/// A read-only link an owner hands out. Only the SHA-256 of its token is kept, so a leaked database yields no usable link;
/// the token itself (≥ 128 random bits, base64url) exists only in the URL the owner got once. An optional password is kept as
/// a salted PBKDF2 hash. Wrong passwords are limited per link (<see cref="MaxFailedAttempts"/> per <see cref="AttemptWindow"/>)
/// so a short password cannot be guessed online.
/// </summary>
public sealed class ShareLink
{
    public const int TokenBytes = 32;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;
    public const int MaxFailedAttempts = 5;
    public const int MaxLifetimeDays = 90;
    public static readonly TimeSpan AttemptWindow = TimeSpan.FromMinutes(15);

    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int Pbkdf2Iterations = 100_000;

    public Guid Id { get; set; }

    public Guid OwnerId { get; set; }

    public ShareKind Kind { get; set; }

    /// <summary>The shared export (kind export); null for a dashboard.</summary>
    public Guid? ExportId { get; set; }

    public Guid ChannelId { get; set; }

    public byte[] TokenHash { get; set; } = [];

    public byte[]? PasswordSalt { get; set; }

    public byte[]? PasswordHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public long ViewCount { get; set; }

    public int FailedAttempts { get; set; }

    public DateTimeOffset? FirstFailedAt { get; set; }

    public bool HasPassword => PasswordHash is not null;

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>A new link and its token (returned to the owner once, never stored).</summary>
    public static (ShareLink Link, string Token) Create(
        Guid id, Guid ownerId, ShareKind kind, Guid? exportId, Guid channelId, DateTimeOffset expiresAt, string? password, DateTimeOffset now)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(TokenBytes));
        var link = new ShareLink
        {
            Id = id,
            OwnerId = ownerId,
            Kind = kind,
            ExportId = exportId,
            ChannelId = channelId,
            TokenHash = HashToken(token),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        if (password is not null)
        {
            link.PasswordSalt = RandomNumberGenerator.GetBytes(SaltBytes);
            link.PasswordHash = HashPassword(password, link.PasswordSalt);
        }

        return (link, token);
    }

    /// <summary>The stored form of a token: its SHA-256 (the token has 256 random bits, so no salt or stretching is needed).</summary>
    public static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>True when <paramref name="token"/> is this link's, compared in constant time.</summary>
    public bool Matches(string token) => CryptographicOperations.FixedTimeEquals(HashToken(token), TokenHash);

    /// <summary>Whether an expiry is acceptable for a new link: in the future and at most <see cref="MaxLifetimeDays"/> ahead.</summary>
    public static string? CheckExpiry(DateTimeOffset expiresAt, DateTimeOffset now) =>
        expiresAt <= now ? "expiresAt must be in the future."
        : expiresAt > now.AddDays(MaxLifetimeDays) ? $"expiresAt must be at most {MaxLifetimeDays} days ahead."
        : null;

    public static string? CheckPassword(string? password) =>
        password is null ? null
        : password.Length is < MinPasswordLength or > MaxPasswordLength ? $"password must be {MinPasswordLength} to {MaxPasswordLength} characters."
        : null;

    /// <summary>
    /// Decides whether a visitor presenting <paramref name="password"/> may see the link now; a wrong or missing password
    /// counts as a failed attempt (a missing one does not). Revocation and expiry are checked before the password, so they say nothing about it.
    /// </summary>
    public ShareRefusal Admit(string? password, DateTimeOffset now)
    {
        if (RevokedAt is not null) { return ShareRefusal.Revoked; }
        if (IsExpired(now)) { return ShareRefusal.Expired; }
        if (PasswordHash is null) { return ShareRefusal.None; }

        if (FirstFailedAt is { } first && now - first >= AttemptWindow)
        {
            (FailedAttempts, FirstFailedAt) = (0, null);
        }

        if (FailedAttempts >= MaxFailedAttempts) { return ShareRefusal.TooManyAttempts; }

        // No password at all is how every first visit starts: it guesses nothing, so it costs no attempt.
        if (string.IsNullOrEmpty(password)) { return ShareRefusal.PasswordRequired; }

        if (CryptographicOperations.FixedTimeEquals(HashPassword(password, PasswordSalt!), PasswordHash))
        {
            return ShareRefusal.None;
        }

        FirstFailedAt ??= now;
        FailedAttempts++;
        return ShareRefusal.WrongPassword;
    }

    /// <summary>When the attempt window of a locked link ends.</summary>
    public DateTimeOffset AttemptsResetAt => (FirstFailedAt ?? CreatedAt) + AttemptWindow;

    /// <summary>Revokes the link; revoking again keeps the first time.</summary>
    public void Revoke(DateTimeOffset at) => RevokedAt ??= at;

    private static byte[] HashPassword(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Pbkdf2Iterations, HashAlgorithmName.SHA256, HashBytes);
}
