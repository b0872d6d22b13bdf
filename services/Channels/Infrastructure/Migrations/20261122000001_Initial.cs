using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DaprPlatform.Channels.Infrastructure.Migrations;

// Hand-written: the EF Core Design package (and so `dotnet ef migrations add`) cannot be restored here.
// Must produce exactly the schema ChannelsDbContext models; SchemaTests guards that.
[DbContext(typeof(ChannelsDbContext))]
[Migration("20261122000001_Initial")]
public partial class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        migrationBuilder.CreateOutboxTable();

        migrationBuilder.CreateTable(
            name: "channels",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                telegram_chat_id = table.Column<long>(type: "bigint", nullable: false),
                username = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                title = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                subscribers_at_registration = table.Column<int>(type: "integer", nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_channels", x => x.id));

        migrationBuilder.CreateIndex(
            name: ChannelsDbContext.UniqueTelegramChatIndex,
            table: "channels",
            column: "telegram_chat_id",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_channels_owner_id_created_at",
            table: "channels",
            columns: ["owner_id", "created_at"]);

        migrationBuilder.CreateTable(
            name: "telegram_updates",
            columns: table => new
            {
                update_id = table.Column<long>(type: "bigint", nullable: false),
                channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                samples = table.Column<int>(type: "integer", nullable: false),
                received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey(ChannelsDbContext.TelegramUpdatesPrimaryKey, x => x.update_id));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "telegram_updates");
        migrationBuilder.DropTable(name: "channels");
        migrationBuilder.DropOutboxTable();
    }
}
