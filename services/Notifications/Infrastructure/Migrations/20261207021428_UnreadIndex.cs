using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DaprPlatform.Notifications.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class UnreadIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_notifications_user_id_unread",
                table: "notifications",
                column: "user_id",
                filter: "read_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_notifications_user_id_unread",
                table: "notifications");
        }
    }
}
