using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DaprPlatform.Analytics.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PlanEntitlements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "owner_plans",
                columns: table => new
                {
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    history_days = table.Column<int>(type: "integer", nullable: false),
                    history_days_lifted_by = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    anomaly_alerts = table.Column<bool>(type: "boolean", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_owner_plans", x => x.owner_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "owner_plans");
        }
    }
}
