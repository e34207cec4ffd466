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

            migrationBuilder.AlterColumn<long>(
                name: "Id",
                table: "UsageEvents",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .OldAnnotation("Sqlite:Autoincrement", true);

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
                name: "IX_UsageRollups_RegionCode_IndustryCode_Hour",
                table: "UsageRollups",
                columns: new[] { "RegionCode", "IndustryCode", "Hour" });

            migrationBuilder.CreateIndex(
                name: "IX_RegionIndustryDaily_Day_RegionCode_IndustryCode_Segment_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily",
                columns: new[] { "Day", "RegionCode", "IndustryCode", "Segment", "Tokens", "Calls", "Revenue", "ComputeCost" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RegionIndustryDaily");

            migrationBuilder.DropIndex(
                name: "IX_UsageRollups_RegionCode_IndustryCode_Hour",
                table: "UsageRollups");

            migrationBuilder.AlterColumn<long>(
                name: "Id",
                table: "UsageEvents",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .Annotation("Sqlite:Autoincrement", true);

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvents_Timestamp",
                table: "UsageEvents",
                column: "Timestamp");
        }
    }
}
