using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class SeekingRollupKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily");

            migrationBuilder.AlterColumn<long>(
                name: "TopUpMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<long>(
                name: "FeeMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<long>(
                name: "CreditMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily",
                columns: new[] { "Day", "RegionCode", "IndustryCode" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerDailyUsage_CustomerId_Day",
                table: "CustomerDailyUsage",
                columns: new[] { "CustomerId", "Day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily");

            migrationBuilder.DropIndex(
                name: "IX_CustomerDailyUsage_CustomerId_Day",
                table: "CustomerDailyUsage");

            migrationBuilder.AlterColumn<long>(
                name: "TopUpMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldDefaultValue: 0L);

            migrationBuilder.AlterColumn<long>(
                name: "FeeMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldDefaultValue: 0L);

            migrationBuilder.AlterColumn<long>(
                name: "CreditMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldDefaultValue: 0L);

            migrationBuilder.AddPrimaryKey(
                name: "PK_RegionIndustryDaily",
                table: "RegionIndustryDaily",
                columns: new[] { "RegionCode", "IndustryCode", "Day" });
        }
    }
}
