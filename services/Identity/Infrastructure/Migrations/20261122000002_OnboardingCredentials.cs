using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DaprPlatform.Identity.Infrastructure.Migrations;

/// <summary>Hand-written (EF Core Design is unavailable); MigrationSchemaTests keeps it equal to the model.</summary>
[DbContext(typeof(IdentityDbContext))]
[Migration("20261122000002_OnboardingCredentials")]
public partial class OnboardingCredentials : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        migrationBuilder.CreateTable(
            name: "onboarding_credentials",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                normalized_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                password_hash = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                redeemed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                redeemed_with_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                user_id = table.Column<Guid>(type: "uuid", nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_onboarding_credentials", x => x.id));

        migrationBuilder.CreateIndex(
            name: OnboardingCredentialModel.UniqueRedeemedWithKeyIndex,
            table: "onboarding_credentials",
            column: "redeemed_with_key",
            unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "onboarding_credentials");
    }
}
