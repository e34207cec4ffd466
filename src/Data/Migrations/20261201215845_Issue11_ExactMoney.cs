using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.Data.Migrations
{
    /// <inheritdoc />
    public partial class Issue11_ExactMoney : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<long>(
                name: "PricePerMTok",
                table: "VolumeTier",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AddColumn<long>(
                name: "ComputeCostMicros",
                table: "UsageRollups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RevenueMicros",
                table: "UsageRollups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "ComputeCostMicros",
                table: "UsageEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RevenueMicros",
                table: "UsageEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "ComputeCostMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RevenueMicros",
                table: "RegionIndustryDaily",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AlterColumn<long>(
                name: "CostPerHour",
                table: "Pools",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AlterColumn<long>(
                name: "SlaPercent",
                table: "PackageVersions",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AlterColumn<long>(
                name: "PriceCny",
                table: "PackageVersions",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AlterColumn<long>(
                name: "OveragePricePerMTok",
                table: "PackageVersions",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AlterColumn<long>(
                name: "OutputCostPerMTok",
                table: "Models",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AlterColumn<long>(
                name: "ListPriceOutputPerMTok",
                table: "Models",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AlterColumn<long>(
                name: "ListPriceInputPerMTok",
                table: "Models",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AlterColumn<long>(
                name: "InputCostPerMTok",
                table: "Models",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AlterColumn<long>(
                name: "Multiplier",
                table: "ModelEntitlement",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AddColumn<long>(
                name: "ComputeCostMicros",
                table: "CustomerDailyUsage",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RevenueMicros",
                table: "CustomerDailyUsage",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
            // Carry what is stored over, exactly where it can be: amounts to micro-yuan, and the decimals that were REAL
            // (the rebuild above copied them as they were) to integers of millionths.
            foreach (var table in new[] { "UsageEvents", "UsageRollups", "RegionIndustryDaily", "CustomerDailyUsage" })
            {
                migrationBuilder.Sql($"""UPDATE "{table}" SET "RevenueMicros" = CAST(ROUND("Revenue" * 1000000) AS INTEGER), "ComputeCostMicros" = CAST(ROUND("ComputeCost" * 1000000) AS INTEGER);""");
            }
            foreach (var (table, column) in new[]
            {
                ("VolumeTier", "PricePerMTok"), ("Pools", "CostPerHour"), ("PackageVersions", "SlaPercent"), ("PackageVersions", "PriceCny"),
                ("PackageVersions", "OveragePricePerMTok"), ("Models", "OutputCostPerMTok"), ("Models", "ListPriceOutputPerMTok"),
                ("Models", "ListPriceInputPerMTok"), ("Models", "InputCostPerMTok"), ("ModelEntitlement", "Multiplier"),
            })
            {
                migrationBuilder.Sql($"""UPDATE "{table}" SET "{column}" = CAST(ROUND("{column}" * 1000000) AS INTEGER);""");
            }

            // SQL, not DropColumn: EF would rebuild each table and lose WITHOUT ROWID (migration Issue5_RollupsWithoutRowId);
            // SQLite's own ALTER TABLE … DROP COLUMN keeps the table as it is.
            migrationBuilder.Sql("""ALTER TABLE "UsageRollups" DROP COLUMN "ComputeCost";""");
            migrationBuilder.Sql("""ALTER TABLE "UsageRollups" DROP COLUMN "Revenue";""");
            migrationBuilder.Sql("""ALTER TABLE "UsageEvents" DROP COLUMN "ComputeCost";""");
            migrationBuilder.Sql("""ALTER TABLE "UsageEvents" DROP COLUMN "Revenue";""");
            migrationBuilder.Sql("""ALTER TABLE "RegionIndustryDaily" DROP COLUMN "ComputeCost";""");
            migrationBuilder.Sql("""ALTER TABLE "RegionIndustryDaily" DROP COLUMN "Revenue";""");
            migrationBuilder.Sql("""ALTER TABLE "CustomerDailyUsage" DROP COLUMN "ComputeCost";""");
            migrationBuilder.Sql("""ALTER TABLE "CustomerDailyUsage" DROP COLUMN "Revenue";""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ComputeCostMicros",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "RevenueMicros",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "ComputeCostMicros",
                table: "UsageEvents");

            migrationBuilder.DropColumn(
                name: "RevenueMicros",
                table: "UsageEvents");

            migrationBuilder.DropColumn(
                name: "ComputeCostMicros",
                table: "RegionIndustryDaily");

            migrationBuilder.DropColumn(
                name: "RevenueMicros",
                table: "RegionIndustryDaily");

            migrationBuilder.DropColumn(
                name: "ComputeCostMicros",
                table: "CustomerDailyUsage");

            migrationBuilder.DropColumn(
                name: "RevenueMicros",
                table: "CustomerDailyUsage");

            migrationBuilder.AlterColumn<double>(
                name: "PricePerMTok",
                table: "VolumeTier",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<double>(
                name: "ComputeCost",
                table: "UsageRollups",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "Revenue",
                table: "UsageRollups",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "ComputeCost",
                table: "UsageEvents",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "Revenue",
                table: "UsageEvents",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "ComputeCost",
                table: "RegionIndustryDaily",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "Revenue",
                table: "RegionIndustryDaily",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AlterColumn<double>(
                name: "CostPerHour",
                table: "Pools",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<double>(
                name: "SlaPercent",
                table: "PackageVersions",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<double>(
                name: "PriceCny",
                table: "PackageVersions",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<double>(
                name: "OveragePricePerMTok",
                table: "PackageVersions",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<double>(
                name: "OutputCostPerMTok",
                table: "Models",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<double>(
                name: "ListPriceOutputPerMTok",
                table: "Models",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<double>(
                name: "ListPriceInputPerMTok",
                table: "Models",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<double>(
                name: "InputCostPerMTok",
                table: "Models",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<double>(
                name: "Multiplier",
                table: "ModelEntitlement",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<double>(
                name: "ComputeCost",
                table: "CustomerDailyUsage",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "Revenue",
                table: "CustomerDailyUsage",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);
        }
    }
}
