using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DaprPlatform.Payments.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class AddCardUpdates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "card_updates",
                table: "billing_accounts",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "card_updates",
                table: "billing_accounts");
        }
    }
}
