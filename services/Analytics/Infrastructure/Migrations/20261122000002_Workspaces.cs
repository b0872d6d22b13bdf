using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DaprPlatform.Analytics.Infrastructure.Migrations;

// Hand-written like Initial; SchemaTests guards that it matches AnalyticsDbContext.
[DbContext(typeof(AnalyticsDbContext))]
[Migration("20261122000002_Workspaces")]
public partial class Workspaces : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.CreateTable(
            name: "workspaces",
            columns: table => new
            {
                user_id = table.Column<Guid>(type: "uuid", nullable: false),
                plan = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_workspaces", x => x.user_id));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "workspaces");
    }
}
