using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Features;

/// <summary>Loads a refresh token and its family with the family row locked, so exchanges within one family run one at a time.</summary>
internal static class RefreshTokens
{
    public static async Task<(RefreshTokenFamily Family, RefreshToken Token)?> FindAndLockAsync(IdentityDbContext db, string token, CancellationToken ct)
    {
        var hash = RefreshTokenSecret.Hash(token);
        var familyId = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.FamilyId).SingleOrDefaultAsync(ct);
        if (familyId is null)
        {
            return null;
        }

        // Without the lock two concurrent exchanges of one token would both see it unconsumed and both succeed.
        var family = await db.RefreshTokenFamilies
            .FromSql($"SELECT * FROM refresh_token_families WHERE id = {familyId.Value} FOR UPDATE")
            .SingleAsync(ct);
        // Read after the lock is held so a concurrent exchange that just committed is visible.
        var presented = await db.RefreshTokens.SingleAsync(t => t.TokenHash == hash, ct);
        return (family, presented);
    }
}
