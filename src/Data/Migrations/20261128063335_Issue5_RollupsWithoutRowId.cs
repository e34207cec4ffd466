using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.Data.Migrations
{
    /// <summary>
    /// The three rollup tables become WITHOUT ROWID tables: each row lives in its primary key's B-tree. With a rowid,
    /// SQLite keeps the key as a separate index beside the table, so every rollup upsert of ingestion looked the key up
    /// in one B-tree and updated the row in another (and the heatmap table's covering index, whose key holds the sums,
    /// was rewritten on every update). Issue 5: the upserts were a fifth of the single writer's time.
    /// EF Core has no setting for WITHOUT ROWID, so the tables are rebuilt here in SQL; a later EF migration that rebuilds
    /// one of them would silently drop it, which <c>RollupTablesTests</c> would catch.
    /// </summary>
    public partial class Issue5_RollupsWithoutRowId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RegionIndustryDaily_RegionCode_IndustryCode_Day_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily");
            Rebuild(migrationBuilder, withoutRowId: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            Rebuild(migrationBuilder, withoutRowId: false);
            migrationBuilder.CreateIndex(
                name: "IX_RegionIndustryDaily_RegionCode_IndustryCode_Day_Tokens_Calls_Revenue_ComputeCost",
                table: "RegionIndustryDaily",
                columns: new[] { "RegionCode", "IndustryCode", "Day", "Tokens", "Calls", "Revenue", "ComputeCost" });
        }

        private static void Rebuild(MigrationBuilder migrationBuilder, bool withoutRowId)
        {
            var suffix = withoutRowId ? " WITHOUT ROWID" : "";
            Copy(migrationBuilder, "UsageRollups", $"""
                CREATE TABLE "ef_temp_UsageRollups" (
                    "Hour" INTEGER NOT NULL,
                    "RegionCode" TEXT NOT NULL,
                    "IndustryCode" TEXT NOT NULL,
                    "ModelId" INTEGER NOT NULL,
                    "PackageId" INTEGER NOT NULL,
                    "PoolId" INTEGER NOT NULL,
                    "InputTokens" INTEGER NOT NULL,
                    "OutputTokens" INTEGER NOT NULL,
                    "Calls" INTEGER NOT NULL,
                    "Revenue" REAL NOT NULL,
                    "ComputeCost" REAL NOT NULL,
                    CONSTRAINT "PK_UsageRollups" PRIMARY KEY ("Hour", "RegionCode", "IndustryCode", "ModelId", "PackageId", "PoolId")
                ){suffix};
                """, "Hour, RegionCode, IndustryCode, ModelId, PackageId, PoolId, InputTokens, OutputTokens, Calls, Revenue, ComputeCost");
            migrationBuilder.Sql("""CREATE INDEX "IX_UsageRollups_RegionCode_IndustryCode_Hour" ON "UsageRollups" ("RegionCode", "IndustryCode", "Hour");""");

            Copy(migrationBuilder, "RegionIndustryDaily", $"""
                CREATE TABLE "ef_temp_RegionIndustryDaily" (
                    "RegionCode" TEXT NOT NULL,
                    "IndustryCode" TEXT NOT NULL,
                    "Day" INTEGER NOT NULL,
                    "Calls" INTEGER NOT NULL,
                    "ComputeCost" REAL NOT NULL,
                    "Revenue" REAL NOT NULL,
                    "Tokens" INTEGER NOT NULL,
                    CONSTRAINT "PK_RegionIndustryDaily" PRIMARY KEY ("RegionCode", "IndustryCode", "Day")
                ){suffix};
                """, "RegionCode, IndustryCode, Day, Calls, ComputeCost, Revenue, Tokens");

            Copy(migrationBuilder, "CustomerDailyUsage", $"""
                CREATE TABLE "ef_temp_CustomerDailyUsage" (
                    "Day" INTEGER NOT NULL,
                    "CustomerId" INTEGER NOT NULL,
                    "ModelId" INTEGER NOT NULL,
                    "Tokens" INTEGER NOT NULL,
                    "Calls" INTEGER NOT NULL,
                    "Revenue" REAL NOT NULL,
                    "ComputeCost" REAL NOT NULL,
                    CONSTRAINT "PK_CustomerDailyUsage" PRIMARY KEY ("Day", "CustomerId", "ModelId")
                ){suffix};
                """, "Day, CustomerId, ModelId, Tokens, Calls, Revenue, ComputeCost");
        }

        /// <summary>SQLite cannot change a table into a WITHOUT ROWID one: create the new table, copy, drop, rename.</summary>
        private static void Copy(MigrationBuilder migrationBuilder, string table, string create, string columns)
        {
            migrationBuilder.Sql(create);
            migrationBuilder.Sql($"""INSERT INTO "ef_temp_{table}" ({columns}) SELECT {columns} FROM "{table}";""");
            migrationBuilder.Sql($"""DROP TABLE "{table}";""");
            migrationBuilder.Sql($"""ALTER TABLE "ef_temp_{table}" RENAME TO "{table}";""");
        }
    }
}
