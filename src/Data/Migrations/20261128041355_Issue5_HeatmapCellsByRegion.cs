using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.Data.Migrations
{
    /// <inheritdoc />
    public partial class Issue5_HeatmapCellsByRegion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily");

            migrationBuilder.DropIndex(
                name: "IX_RegionIndustryDaily_Day_RegionCode_IndustryCode_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily");

            migrationBuilder.AddPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily",
                columns: new[] { "RegionCode", "IndustryCode", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_RegionIndustryDaily_RegionCode_IndustryCode_Day_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily",
                columns: new[] { "RegionCode", "IndustryCode", "Day", "Tokens", "Calls", "Revenue", "ComputeCost" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily");

            migrationBuilder.DropIndex(
                name: "IX_RegionIndustryDaily_RegionCode_IndustryCode_Day_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily");

            migrationBuilder.AddPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily",
                columns: new[] { "Day", "RegionCode", "IndustryCode" });

            migrationBuilder.CreateIndex(
                name: "IX_RegionIndustryDaily_Day_RegionCode_IndustryCode_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily",
                columns: new[] { "Day", "RegionCode", "IndustryCode", "Tokens", "Calls", "Revenue", "ComputeCost" });
        }
    }
}
