using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReportRollups : Migration
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

            migrationBuilder.CreateTable(
                name: "PackageModelDaily",
                columns: table => new
                {
                    Day = table.Column<long>(type: "INTEGER", nullable: false),
                    PackageId = table.Column<int>(type: "INTEGER", nullable: false),
                    ModelId = table.Column<int>(type: "INTEGER", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    Calls = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    RevenueMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    ComputeCostMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    FeeMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    TopUpMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    CreditMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackageModelDaily", x => new { x.Day, x.PackageId, x.ModelId });
                });

            migrationBuilder.CreateTable(
                name: "RegionIndustryMonthly",
                columns: table => new
                {
                    Month = table.Column<long>(type: "INTEGER", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", nullable: false),
                    IndustryCode = table.Column<string>(type: "TEXT", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    Calls = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    RevenueMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    ComputeCostMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    FeeMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    TopUpMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    CreditMicros = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegionIndustryMonthly", x => new { x.Month, x.RegionCode, x.IndustryCode });
                });

            // The history so far, so that reports of past periods read the same. Instants are UTC ticks; a Beijing day
            // of an hour: + 8 h, floored to the day, − 8 h; the Beijing month of a day: + 8 h, to Unix seconds, to the
            // month's start, back to ticks, − 8 h.
            const string dayOfHour = """("Hour" + 288000000000) / 864000000000 * 864000000000 - 288000000000""";
            const string monthOfDay = """
                (CAST(strftime('%s', ("Day" + 288000000000 - 621355968000000000) / 10000000, 'unixepoch', 'start of month') AS INTEGER) * 10000000 + 621355968000000000 - 288000000000)
                """;
            migrationBuilder.Sql($"""
                INSERT INTO "PackageModelDaily" ("Day", "PackageId", "ModelId", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros")
                SELECT {dayOfHour}, "PackageId", "ModelId", SUM("InputTokens" + "OutputTokens"), SUM("Calls"), SUM("RevenueMicros"), SUM("ComputeCostMicros")
                FROM "UsageRollups" GROUP BY 1, 2, 3;
                """);
            // Fees buy no model (model 0); credit notes are package 0.
            migrationBuilder.Sql("""
                INSERT INTO "PackageModelDaily" ("Day", "PackageId", "ModelId", "FeeMicros", "TopUpMicros", "CreditMicros")
                SELECT "Day", "PackageId", 0, SUM("FeeMicros"), SUM("TopUpMicros"), SUM("CreditMicros")
                FROM "RevenueDaily" GROUP BY "Day", "PackageId"
                ON CONFLICT ("Day", "PackageId", "ModelId") DO UPDATE SET
                    "FeeMicros" = excluded."FeeMicros", "TopUpMicros" = excluded."TopUpMicros", "CreditMicros" = excluded."CreditMicros";
                """);
            migrationBuilder.Sql($"""
                INSERT INTO "RegionIndustryMonthly" ("Month", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros", "FeeMicros", "TopUpMicros", "CreditMicros")
                SELECT {monthOfDay}, "RegionCode", "IndustryCode", SUM("Tokens"), SUM("Calls"), SUM("RevenueMicros"), SUM("ComputeCostMicros"),
                       SUM("FeeMicros"), SUM("TopUpMicros"), SUM("CreditMicros")
                FROM "RegionIndustryDaily" GROUP BY 1, 2, 3;
                """);
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

            migrationBuilder.DropTable(
                name: "PackageModelDaily");

            migrationBuilder.DropTable(
                name: "RegionIndustryMonthly");
        }
    }
}
