using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DaprPlatform.Tutoring.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:btree_gist", ",,");

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
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slot_holds", x => x.booking_id);
                    table.CheckConstraint("ck_slot_holds_status", "status IN ('held', 'booked', 'released', 'expired')");
                });

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
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tutors", x => x.tutor_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_slot_holds_tutor_id_start_at",
                table: "slot_holds",
                columns: new[] { "tutor_id", "start_at" });

            migrationBuilder.CreateIndex(
                name: "ix_tutors_hourly_rate",
                table: "tutors",
                columns: new[] { "hourly_rate_currency", "hourly_rate_amount" });

            migrationBuilder.CreateIndex(
                name: "ix_tutors_subjects",
                table: "tutors",
                column: "subjects")
                .Annotation("Npgsql:IndexMethod", "gin");

            // Not generated: EF Core cannot model exclusion constraints (see SlotHoldExclusion). Two live holds of one
            // tutor never overlap; expired and released rows stay for the record.
            migrationBuilder.Sql("""
                ALTER TABLE slot_holds ADD CONSTRAINT ex_slot_holds_tutor_live_overlap
                    EXCLUDE USING gist (tutor_id WITH =, tstzrange(start_at, end_at) WITH &&) WHERE (status IN ('held', 'booked'));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "slot_holds");

            migrationBuilder.DropTable(
                name: "tutors");
        }
    }
}
