using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DaprPlatform.Booking.Infrastructure.Migrations;

// Hand-written: the EF Core Design package (and so `dotnet ef migrations add`) cannot be restored here.
// Must produce exactly the schema BookingDbContext models plus its overlap constraints; SchemaTests guards that.
[DbContext(typeof(BookingDbContext))]
[Migration("20261122000001_Initial")]
public partial class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        migrationBuilder.CreateOutboxTable();

        migrationBuilder.CreateTable(
            name: "bookings",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                workflow_instance_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                student_id = table.Column<Guid>(type: "uuid", nullable: false),
                student_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                tutor_id = table.Column<Guid>(type: "uuid", nullable: false),
                tutor_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                subject = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                start_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                end_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                price_amount = table.Column<long>(type: "bigint", nullable: false),
                price_currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                payment_id = table.Column<Guid>(type: "uuid", nullable: true),
                payment_intent_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                refund_amount = table.Column<long>(type: "bigint", nullable: true),
                cancellation_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_bookings", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_bookings_student_id_start_at", table: "bookings", columns: ["student_id", "start_at"]);
        migrationBuilder.CreateIndex(name: "ix_bookings_tutor_id_start_at", table: "bookings", columns: ["tutor_id", "start_at"]);

        migrationBuilder.Sql(BookingDbContext.OverlapConstraintsSql);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "bookings");
        migrationBuilder.DropOutboxTable();
    }
}
