using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.Data.Migrations
{
    /// <inheritdoc />
    public partial class Issue5_Ingestion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_UsageEvents_Timestamp",
                table: "UsageEvents");

            migrationBuilder.CreateTable(
                name: "RegionIndustryDaily",
                columns: table => new
                {
                    Day = table.Column<long>(type: "INTEGER", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", nullable: false),
                    IndustryCode = table.Column<string>(type: "TEXT", nullable: false),
                    Segment = table.Column<int>(type: "INTEGER", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Calls = table.Column<long>(type: "INTEGER", nullable: false),
                    Revenue = table.Column<double>(type: "REAL", nullable: false),
                    ComputeCost = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegionIndustryDaily", x => new { x.Day, x.RegionCode, x.IndustryCode, x.Segment });
                });

            migrationBuilder.CreateIndex(
                name: "IX_UsageRollups_ModelId_Hour",
                table: "UsageRollups",
                columns: new[] { "ModelId", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageRollups_PackageId_Hour",
                table: "UsageRollups",
                columns: new[] { "PackageId", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageRollups_RegionCode_IndustryCode_Hour",
                table: "UsageRollups",
                columns: new[] { "RegionCode", "IndustryCode", "Hour" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RegionIndustryDaily");

            migrationBuilder.DropIndex(
                name: "IX_UsageRollups_ModelId_Hour",
                table: "UsageRollups");

            migrationBuilder.DropIndex(
                name: "IX_UsageRollups_PackageId_Hour",
                table: "UsageRollups");

            migrationBuilder.DropIndex(
                name: "IX_UsageRollups_RegionCode_IndustryCode_Hour",
                table: "UsageRollups");

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvents_Timestamp",
                table: "UsageEvents",
                column: "Timestamp");
        }
    }
}
