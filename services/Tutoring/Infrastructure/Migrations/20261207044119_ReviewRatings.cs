using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DaprPlatform.Tutoring.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ReviewRatings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inbox_messages",
                columns: table => new
                {
                    message_id = table.Column<string>(type: "text", nullable: false),
                    consumer = table.Column<string>(type: "text", nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_messages", x => new { x.message_id, x.consumer });
                });

            migrationBuilder.CreateTable(
                name: "review_ratings",
                columns: table => new
                {
                    review_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tutor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    stars = table.Column<int>(type: "integer", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_ratings", x => x.review_id);
                    table.CheckConstraint("ck_review_ratings_stars", "stars BETWEEN 1 AND 5");
                    table.CheckConstraint("ck_review_ratings_state", "state IN ('visible', 'hidden', 'deleted')");
                });

            migrationBuilder.CreateTable(
                name: "tutor_ratings",
                columns: table => new
                {
                    tutor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    review_count = table.Column<int>(type: "integer", nullable: false),
                    average = table.Column<decimal>(type: "numeric(2,1)", precision: 2, scale: 1, nullable: true),
                    distribution = table.Column<int[]>(type: "integer[]", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tutor_ratings", x => x.tutor_id);
                    table.CheckConstraint("ck_tutor_ratings_distribution", "cardinality(distribution) = 5");
                });

            migrationBuilder.CreateIndex(
                name: "ix_review_ratings_tutor_id",
                table: "review_ratings",
                column: "tutor_id");

            migrationBuilder.CreateIndex(
                name: "ix_tutor_ratings_average_review_count",
                table: "tutor_ratings",
                columns: new[] { "average", "review_count" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "review_ratings");

            migrationBuilder.DropTable(
                name: "tutor_ratings");
        }
    }
}
