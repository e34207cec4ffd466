using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.Data.Migrations
{
    /// <inheritdoc />
    public partial class Issue5_HeatmapWithoutSegment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily");

            migrationBuilder.DropIndex(
                name: "IX_RegionIndustryDaily_Day_RegionCode_IndustryCode_Segment_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily");

            migrationBuilder.DropColumn(
                name: "Segment",
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily");

            migrationBuilder.DropIndex(
                name: "IX_RegionIndustryDaily_Day_RegionCode_IndustryCode_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily");

            migrationBuilder.AddColumn<int>(
                name: "Segment",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily",
                columns: new[] { "Day", "RegionCode", "IndustryCode", "Segment" });

            migrationBuilder.CreateIndex(
                name: "IX_RegionIndustryDaily_Day_RegionCode_IndustryCode_Segment_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily",
                columns: new[] { "Day", "RegionCode", "IndustryCode", "Segment", "Tokens", "Calls", "Revenue", "ComputeCost" });
        }
    }
}
