using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DaprPlatform.Tutoring.Infrastructure.Migrations;

// Hand-written: the EF Core Design package (and so `dotnet ef migrations add`) cannot be restored here.
// Must produce exactly the schema TutoringDbContext models plus the exclusion constraint (SlotHoldExclusion);
// SchemaTests guards that.
[DbContext(typeof(TutoringDbContext))]
[Migration("20261122000010_Initial")]
public partial class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        // btree_gist lets one GiST index combine "same tutor" (=) with "ranges overlap" (&&).
        migrationBuilder.Sql(SlotHoldExclusion.CreateExtensionSql);

        migrationBuilder.CreateTable(
            name: "tutors",
            columns: table => new
            {
                tutor_id = table.Column<Guid>(type: "uuid", nullable: false),
                display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                bio = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                subjects = table.Column<List<string>>(type: "text[]", nullable: false),
                hourly_rate_amount = table.Column<long>(type: "bigint", nullable: false),
                hourly_rate_currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                timezone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                availability = table.Column<string>(type: "jsonb", nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey(TutoringDbContext.TutorsPrimaryKey, x => x.tutor_id));

        migrationBuilder.CreateIndex(
            name: TutoringDbContext.SubjectsIndex,
            table: "tutors",
            column: "subjects")
            .Annotation("Npgsql:IndexMethod", "gin");

        migrationBuilder.CreateIndex(
            name: "ix_tutors_hourly_rate",
            table: "tutors",
            columns: ["hourly_rate_currency", "hourly_rate_amount"]);

        migrationBuilder.CreateTable(
            name: "slot_holds",
            columns: table => new
            {
                booking_id = table.Column<Guid>(type: "uuid", nullable: false),
                tutor_id = table.Column<Guid>(type: "uuid", nullable: false),
                tutor_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                student_id = table.Column<Guid>(type: "uuid", nullable: false),
                start_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                end_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                price_amount = table.Column<long>(type: "bigint", nullable: false),
                price_currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey(TutoringDbContext.SlotHoldsPrimaryKey, x => x.booking_id);
                table.CheckConstraint("ck_slot_holds_status", "status IN ('held', 'booked', 'released', 'expired')");
            });

        migrationBuilder.CreateIndex(
            name: "ix_slot_holds_tutor_id_start_at",
            table: "slot_holds",
            columns: ["tutor_id", "start_at"]);

        migrationBuilder.Sql(SlotHoldExclusion.AddConstraintSql);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.Sql(SlotHoldExclusion.DropConstraintSql);
        migrationBuilder.DropTable(name: "slot_holds");
        migrationBuilder.DropTable(name: "tutors");
    }
}
