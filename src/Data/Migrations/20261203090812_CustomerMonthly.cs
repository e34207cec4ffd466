using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class CustomerMonthly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CustomerMonthly",
                columns: table => new
                {
                    Month = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    RevenueMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    ComputeCostMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    FeeMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    TopUpMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    CreditMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerMonthly", x => new { x.Month, x.CustomerId });
                });

            // The history so far, from the customer days and the recognized fees, top-ups and credits. Days are UTC ticks
            // of Beijing midnights: + 8 h, to Unix seconds, to the month's start, back to ticks, − 8 h.
            const string monthOfDay = """
                (CAST(strftime('%s', ("Day" + 288000000000 - 621355968000000000) / 10000000, 'unixepoch', 'start of month') AS INTEGER) * 10000000 + 621355968000000000 - 288000000000)
                """;
            migrationBuilder.Sql($"""
                INSERT INTO "CustomerMonthly" ("Month", "CustomerId", "Tokens", "RevenueMicros", "ComputeCostMicros")
                SELECT {monthOfDay}, "CustomerId", SUM("Tokens"), SUM("RevenueMicros"), SUM("ComputeCostMicros")
                FROM "CustomerDailyUsage" GROUP BY 1, 2;
                """);
            migrationBuilder.Sql($"""
                INSERT INTO "CustomerMonthly" ("Month", "CustomerId", "FeeMicros", "TopUpMicros", "CreditMicros")
                SELECT {monthOfDay}, "CustomerId", SUM("FeeMicros"), SUM("TopUpMicros"), SUM("CreditMicros")
                FROM "RevenueDaily" GROUP BY 1, 2
                ON CONFLICT ("Month", "CustomerId") DO UPDATE SET
                    "FeeMicros" = excluded."FeeMicros", "TopUpMicros" = excluded."TopUpMicros", "CreditMicros" = excluded."CreditMicros";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CustomerMonthly");
        }
    }
}
