using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DaprPlatform.Reports.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ExportVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "exports",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "xmin",
                table: "exports");
        }
    }
}
