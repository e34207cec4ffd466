using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class PackageModelDaily : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            // The history so far, from the hourly rollups (Beijing days: UTC ticks + 8 h, floored to the day, − 8 h) and
            // the recognized fees, top-ups and credits (model 0), so that reports of past periods read the same.
            migrationBuilder.Sql("""
                INSERT INTO "PackageModelDaily" ("Day", "PackageId", "ModelId", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros")
                SELECT ("Hour" + 288000000000) / 864000000000 * 864000000000 - 288000000000, "PackageId", "ModelId",
                       SUM("InputTokens" + "OutputTokens"), SUM("Calls"), SUM("RevenueMicros"), SUM("ComputeCostMicros")
                FROM "UsageRollups" GROUP BY 1, 2, 3;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "PackageModelDaily" ("Day", "PackageId", "ModelId", "FeeMicros", "TopUpMicros", "CreditMicros")
                SELECT "Day", "PackageId", 0, SUM("FeeMicros"), SUM("TopUpMicros"), SUM("CreditMicros")
                FROM "RevenueDaily" GROUP BY "Day", "PackageId"
                ON CONFLICT ("Day", "PackageId", "ModelId") DO UPDATE SET
                    "FeeMicros" = excluded."FeeMicros", "TopUpMicros" = excluded."TopUpMicros", "CreditMicros" = excluded."CreditMicros";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PackageModelDaily");
        }
    }
}
