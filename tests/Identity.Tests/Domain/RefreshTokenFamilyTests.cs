using DaprPlatform.Identity.Domain;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.Identity.Tests.Domain;

public sealed class RefreshTokenFamilyTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    private static byte[] NewHash() => RefreshTokenSecret.Generate().Hash;

    [Fact]
    public void Rotation_consumes_the_presented_token_and_issues_a_successor_in_the_same_family()
    {
        var (family, first) = RefreshTokenFamily.Start(Guid.NewGuid(), NewHash(), _clock.GetUtcNow(), Lifetime);
        _clock.Advance(TimeSpan.FromMinutes(10));

        var outcome = family.Rotate(first, NewHash(), _clock.GetUtcNow(), Lifetime);

        outcome.Succeeded.Should().BeTrue();
        first.IsConsumed.Should().BeTrue();
        first.ConsumedAt.Should().Be(_clock.GetUtcNow());
        outcome.Next!.FamilyId.Should().Be(family.Id);
        outcome.Next.ExpiresAt.Should().Be(_clock.GetUtcNow() + Lifetime);
        family.IsRevoked.Should().BeFalse();
    }

    [Fact]
    public void Reusing_a_consumed_token_revokes_the_whole_family()
    {
        var (family, first) = RefreshTokenFamily.Start(Guid.NewGuid(), NewHash(), _clock.GetUtcNow(), Lifetime);
        var second = family.Rotate(first, NewHash(), _clock.GetUtcNow(), Lifetime).Next!;
        _clock.Advance(TimeSpan.FromMinutes(1));

        var replay = family.Rotate(first, NewHash(), _clock.GetUtcNow(), Lifetime);

        replay.Rejection.Should().Be(RefreshRejection.Reused);
        family.RevokedAt.Should().Be(_clock.GetUtcNow());
        family.RevocationReason.Should().Be(RevocationCause.Reuse);
        // The legitimate-looking latest token dies with the family: we cannot tell who the thief is.
        family.Rotate(second, NewHash(), _clock.GetUtcNow(), Lifetime).Rejection.Should().Be(RefreshRejection.FamilyRevoked);
        second.IsConsumed.Should().BeFalse();
    }

    [Fact]
    public void Expired_tokens_are_rejected_without_revoking_the_family()
    {
        var (family, first) = RefreshTokenFamily.Start(Guid.NewGuid(), NewHash(), _clock.GetUtcNow(), Lifetime);
        _clock.Advance(Lifetime - TimeSpan.FromSeconds(1));
        first.IsExpiredAt(_clock.GetUtcNow()).Should().BeFalse();
        _clock.Advance(TimeSpan.FromSeconds(1));

        var outcome = family.Rotate(first, NewHash(), _clock.GetUtcNow(), Lifetime);

        outcome.Rejection.Should().Be(RefreshRejection.Expired);
        first.IsConsumed.Should().BeFalse();
        family.IsRevoked.Should().BeFalse();
    }

    [Fact]
    public void Revocation_is_idempotent_and_keeps_the_first_reason()
    {
        var (family, first) = RefreshTokenFamily.Start(Guid.NewGuid(), NewHash(), _clock.GetUtcNow(), Lifetime);
        family.Revoke(RevocationCause.Logout, _clock.GetUtcNow());
        var revokedAt = family.RevokedAt;
        _clock.Advance(TimeSpan.FromHours(1));
        family.Revoke(RevocationCause.PasswordChanged, _clock.GetUtcNow());

        family.RevokedAt.Should().Be(revokedAt);
        family.RevocationReason.Should().Be(RevocationCause.Logout);
        family.Rotate(first, NewHash(), _clock.GetUtcNow(), Lifetime).Rejection.Should().Be(RefreshRejection.FamilyRevoked);
    }

    [Fact]
    public void A_token_from_another_family_is_a_programming_error()
    {
        var (family, _) = RefreshTokenFamily.Start(Guid.NewGuid(), NewHash(), _clock.GetUtcNow(), Lifetime);
        var (_, foreign) = RefreshTokenFamily.Start(Guid.NewGuid(), NewHash(), _clock.GetUtcNow(), Lifetime);

        var act = () => family.Rotate(foreign, NewHash(), _clock.GetUtcNow(), Lifetime);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Secrets_are_256_bit_base64url_and_only_their_sha256_is_kept()
    {
        var (token, hash) = RefreshTokenSecret.Generate();
        token.Should().HaveLength(43).And.MatchRegex("^[A-Za-z0-9_-]+$");
        hash.Should().Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)));
        RefreshTokenSecret.IsWellFormed(token).Should().BeTrue();
        RefreshTokenSecret.IsWellFormed(token + "A").Should().BeFalse();
        RefreshTokenSecret.IsWellFormed(token[..42] + "+").Should().BeFalse();
        RefreshTokenSecret.Generate().Token.Should().NotBe(token);
    }
}
