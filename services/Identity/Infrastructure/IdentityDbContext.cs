using DaprPlatform.Identity.Domain;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Infrastructure;

public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options), IOutboxStore
{
    public const string UniqueEmailIndex = "ux_users_normalized_email";

    public DbSet<User> Users => Set<User>();
    public DbSet<RefreshTokenFamily> RefreshTokenFamilies => Set<RefreshTokenFamily>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<OnboardingCredential> OnboardingCredentials => Set<OnboardingCredential>();

    // Every name is spelled out (snake_case, pk_/ix_/ux_/fk_ prefixes): code and SQL refer to them by name.
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<User>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id).HasName("pk_users");
            user.Property(u => u.Id).HasColumnName("id").HasColumnType("uuid").ValueGeneratedNever();
            user.Property(u => u.Email).HasColumnName("email").HasColumnType("character varying(254)").HasMaxLength(EmailAddress.MaxLength).IsRequired();
            user.Property(u => u.NormalizedEmail).HasColumnName("normalized_email").HasColumnType("character varying(254)").HasMaxLength(EmailAddress.MaxLength).IsRequired();
            user.Property(u => u.DisplayName).HasColumnName("display_name").HasColumnType("character varying(100)").HasMaxLength(DisplayName.MaxLength).IsRequired();
            user.Property(u => u.Role).HasColumnName("role").HasColumnType("character varying(32)").HasMaxLength(32).IsRequired();
            user.Property(u => u.PasswordHash).HasColumnName("password_hash").HasColumnType("character varying(256)").HasMaxLength(256).IsRequired();
            user.Property(u => u.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone");
            user.Property(u => u.UpdatedAt).HasColumnName("updated_at").HasColumnType("timestamp with time zone");
            // Case-insensitive uniqueness lives in the database so two concurrent registrations cannot both win.
            user.HasIndex(u => u.NormalizedEmail).IsUnique().HasDatabaseName(UniqueEmailIndex);
        });

        modelBuilder.Entity<RefreshTokenFamily>(family =>
        {
            family.ToTable("refresh_token_families");
            family.HasKey(f => f.Id).HasName("pk_refresh_token_families");
            family.Property(f => f.Id).HasColumnName("id").HasColumnType("uuid").ValueGeneratedNever();
            family.Property(f => f.UserId).HasColumnName("user_id").HasColumnType("uuid");
            family.Property(f => f.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone");
            family.Property(f => f.RevokedAt).HasColumnName("revoked_at").HasColumnType("timestamp with time zone");
            family.Property(f => f.RevocationReason).HasColumnName("revocation_reason").HasColumnType("character varying(32)")
                .HasMaxLength(32).HasConversion<string>();
            family.HasOne<User>().WithMany().HasForeignKey(f => f.UserId)
                .HasConstraintName("fk_refresh_token_families_users_user_id").OnDelete(DeleteBehavior.Cascade);
            family.HasIndex(f => f.UserId).HasDatabaseName("ix_refresh_token_families_user_id");
        });

        modelBuilder.Entity<RefreshToken>(token =>
        {
            token.ToTable("refresh_tokens");
            token.HasKey(t => t.Id).HasName("pk_refresh_tokens");
            token.Property(t => t.Id).HasColumnName("id").HasColumnType("uuid").ValueGeneratedNever();
            token.Property(t => t.FamilyId).HasColumnName("family_id").HasColumnType("uuid");
            token.Property(t => t.TokenHash).HasColumnName("token_hash").HasColumnType("bytea").IsRequired();
            token.Property(t => t.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone");
            token.Property(t => t.ExpiresAt).HasColumnName("expires_at").HasColumnType("timestamp with time zone");
            token.Property(t => t.ConsumedAt).HasColumnName("consumed_at").HasColumnType("timestamp with time zone");
            token.HasOne<RefreshTokenFamily>().WithMany().HasForeignKey(t => t.FamilyId)
                .HasConstraintName("fk_refresh_tokens_refresh_token_families_family_id").OnDelete(DeleteBehavior.Cascade);
            token.HasIndex(t => t.TokenHash).IsUnique().HasDatabaseName("ux_refresh_tokens_token_hash");
            token.HasIndex(t => t.FamilyId).HasDatabaseName("ix_refresh_tokens_family_id");
        });

        modelBuilder.ConfigureOutbox();
        modelBuilder.Entity<OnboardingCredential>(OnboardingCredentialModel.Configure);
    }
}
