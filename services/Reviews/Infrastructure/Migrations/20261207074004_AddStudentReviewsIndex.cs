using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DaprPlatform.Reviews.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class AddStudentReviewsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_reviews_student_id_posted_at",
                table: "reviews",
                columns: new[] { "student_id", "posted_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_reviews_student_id_posted_at",
                table: "reviews");
        }
    }
}
