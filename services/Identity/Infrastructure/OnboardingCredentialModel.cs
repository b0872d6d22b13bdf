using DaprPlatform.Identity.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DaprPlatform.Identity.Infrastructure;

/// <summary>Mapping of <see cref="OnboardingCredential"/>.</summary>
internal static class OnboardingCredentialModel
{
    public const string UniqueRedeemedWithKeyIndex = "ux_onboarding_credentials_redeemed_with_key";

    public static void Configure(EntityTypeBuilder<OnboardingCredential> credential)
    {
        credential.ToTable("onboarding_credentials");
        credential.HasKey(c => c.Id).HasName("pk_onboarding_credentials");
        credential.Property(c => c.Id).HasColumnName("id").HasColumnType("uuid").ValueGeneratedNever();
        credential.Property(c => c.Email).HasColumnName("email").HasColumnType("character varying(254)").HasMaxLength(EmailAddress.MaxLength).IsRequired();
        credential.Property(c => c.NormalizedEmail).HasColumnName("normalized_email").HasColumnType("character varying(254)").HasMaxLength(EmailAddress.MaxLength).IsRequired();
        credential.Property(c => c.DisplayName).HasColumnName("display_name").HasColumnType("character varying(100)").HasMaxLength(DisplayName.MaxLength).IsRequired();
        credential.Property(c => c.Role).HasColumnName("role").HasColumnType("character varying(32)").HasMaxLength(32).IsRequired();
        credential.Property(c => c.PasswordHash).HasColumnName("password_hash").HasColumnType("character varying(256)").HasMaxLength(256);
        credential.Property(c => c.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone");
        credential.Property(c => c.ExpiresAt).HasColumnName("expires_at").HasColumnType("timestamp with time zone");
        credential.Property(c => c.RedeemedAt).HasColumnName("redeemed_at").HasColumnType("timestamp with time zone");
        credential.Property(c => c.RedeemedWithKey).HasColumnName("redeemed_with_key").HasColumnType("character varying(200)")
            .HasMaxLength(OnboardingCredential.MaxIdempotencyKeyLength);
        credential.Property(c => c.UserId).HasColumnName("user_id").HasColumnType("uuid");
        credential.Ignore(c => c.IsRedeemed);
        // One key redeems at most one credential, so a replayed create finds exactly the account it made.
        credential.HasIndex(c => c.RedeemedWithKey).IsUnique().HasDatabaseName(UniqueRedeemedWithKeyIndex);
    }
}
