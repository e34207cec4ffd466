using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class RegionIndustryHourly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RegionIndustryHourly",
                columns: table => new
                {
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", nullable: false),
                    IndustryCode = table.Column<string>(type: "TEXT", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Calls = table.Column<long>(type: "INTEGER", nullable: false),
                    RevenueMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    ComputeCostMicros = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegionIndustryHourly", x => new { x.Hour, x.RegionCode, x.IndustryCode });
                });

            // The hours so far, from the hourly rollups.
            migrationBuilder.Sql("""
                INSERT INTO "RegionIndustryHourly" ("Hour", "RegionCode", "IndustryCode", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros")
                SELECT "Hour", "RegionCode", "IndustryCode", SUM("InputTokens" + "OutputTokens"), SUM("Calls"), SUM("RevenueMicros"), SUM("ComputeCostMicros")
                FROM "UsageRollups" GROUP BY 1, 2, 3;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RegionIndustryHourly");
        }
    }
}
