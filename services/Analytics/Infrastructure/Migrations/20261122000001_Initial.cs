using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DaprPlatform.Analytics.Infrastructure.Migrations;

// Hand-written: the EF Core Design package cannot be restored here. Must produce exactly the schema
// AnalyticsDbContext models; SchemaTests guards that.
[DbContext(typeof(AnalyticsDbContext))]
[Migration("20261122000001_Initial")]
public partial class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        migrationBuilder.CreateOutboxTable();
        migrationBuilder.CreateInboxTable();

        migrationBuilder.CreateTable(
            name: "channels",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                telegram_chat_id = table.Column<long>(type: "bigint", nullable: false),
                username = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                title = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                registered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                removed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_channels", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_channels_owner_id", table: "channels", column: "owner_id");

        migrationBuilder.CreateTable(
            name: "hourly_rollups",
            columns: table => new
            {
                channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                total = table.Column<long>(type: "bigint", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_hourly_rollups", x => new { x.channel_id, x.hour, x.kind }));

        migrationBuilder.CreateTable(
            name: "anomalies",
            columns: table => new
            {
                channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                views = table.Column<long>(type: "bigint", nullable: false),
                median = table.Column<double>(type: "double precision", nullable: false),
                score = table.Column<double>(type: "double precision", nullable: false),
                detected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_anomalies", x => new { x.channel_id, x.hour }));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "anomalies");
        migrationBuilder.DropTable(name: "hourly_rollups");
        migrationBuilder.DropTable(name: "channels");
        migrationBuilder.DropInboxTable();
        migrationBuilder.DropOutboxTable();
    }
}
