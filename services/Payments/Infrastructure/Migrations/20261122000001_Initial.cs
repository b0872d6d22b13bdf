using DaprPlatform.Messaging;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DaprPlatform.Payments.Infrastructure.Migrations;

// Hand-written: the EF Core Design package (and so `dotnet ef migrations add`) cannot be restored here.
// Must produce exactly the schema PaymentsDbContext models; SchemaTests guards that.
[DbContext(typeof(PaymentsDbContext))]
[Migration("20261122000001_Initial")]
public partial class Initial : Migration
{
    private const string Timestamp = "timestamp with time zone";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        migrationBuilder.CreateOutboxTable();

        migrationBuilder.CreateTable(
            name: "payments",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                booking_id = table.Column<Guid>(type: "uuid", nullable: false),
                student_id = table.Column<Guid>(type: "uuid", nullable: false),
                amount = table.Column<long>(type: "bigint", nullable: false),
                currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                refunded = table.Column<long>(type: "bigint", nullable: false),
                refunded_by_us = table.Column<long>(type: "bigint", nullable: false),
                refunded_reported = table.Column<long>(type: "bigint", nullable: false),
                status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                payment_intent_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                client_secret = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                customer_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                workflow_instance_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                failure_code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                failure_message = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                confirm_attempts = table.Column<int>(type: "integer", nullable: false),
                created_at = table.Column<DateTimeOffset>(type: Timestamp, nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: Timestamp, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_payments", x => x.id));

        migrationBuilder.CreateIndex(name: PaymentsDbContext.UniqueBookingIndex, table: "payments", column: "booking_id", unique: true);
        migrationBuilder.CreateIndex(name: PaymentsDbContext.UniquePaymentIntentIndex, table: "payments", column: "payment_intent_id", unique: true);
        migrationBuilder.CreateIndex(name: "ix_payments_student_id_created_at", table: "payments", columns: ["student_id", "created_at"]);

        migrationBuilder.CreateTable(
            name: "payment_refunds",
            columns: table => new
            {
                refund_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                payment_id = table.Column<Guid>(type: "uuid", nullable: false),
                amount = table.Column<long>(type: "bigint", nullable: false),
                status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                created_at = table.Column<DateTimeOffset>(type: Timestamp, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey(PaymentsDbContext.RefundsPrimaryKey, x => x.refund_id);
                table.ForeignKey(
                    name: "fk_payment_refunds_payments_payment_id",
                    column: x => x.payment_id,
                    principalTable: "payments",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateIndex(
            name: PaymentsDbContext.UniqueRefundKeyIndex, table: "payment_refunds", columns: ["payment_id", "idempotency_key"], unique: true);

        migrationBuilder.CreateTable(
            name: "stripe_events",
            columns: table => new
            {
                id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                payment_id = table.Column<Guid>(type: "uuid", nullable: true),
                outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                occurred_at = table.Column<DateTimeOffset>(type: Timestamp, nullable: false),
                received_at = table.Column<DateTimeOffset>(type: Timestamp, nullable: false),
            },
            constraints: table => table.PrimaryKey(PaymentsDbContext.StripeEventsPrimaryKey, x => x.id));

        migrationBuilder.CreateIndex(name: "ix_stripe_events_payment_id", table: "stripe_events", column: "payment_id");

        migrationBuilder.CreateTable(
            name: "stripe_customers",
            columns: table => new
            {
                student_id = table.Column<Guid>(type: "uuid", nullable: false),
                customer_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: Timestamp, nullable: false),
            },
            constraints: table => table.PrimaryKey(PaymentsDbContext.StripeCustomersPrimaryKey, x => x.student_id));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "stripe_customers");
        migrationBuilder.DropTable(name: "stripe_events");
        migrationBuilder.DropTable(name: "payment_refunds");
        migrationBuilder.DropTable(name: "payments");
        migrationBuilder.DropOutboxTable();
    }
}
