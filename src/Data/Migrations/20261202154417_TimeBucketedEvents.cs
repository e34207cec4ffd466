using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class TimeBucketedEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Raw events move to one table per UTC day (UsageEventTables). SQL cannot name a table per day, so the old
            // table is kept under another name, readable through the view at once, and the start-up moves its rows into
            // their days' tables in one transaction (UsageEventTables.Prepare) before the writer runs.
            migrationBuilder.DropIndex(name: "IX_UsageEvents_EventId", table: "UsageEvents");
            migrationBuilder.RenameTable(name: "UsageEvents", newName: "UsageEventsLegacy");
            migrationBuilder.Sql("""
                CREATE VIEW UsageEvents AS SELECT EventId, Timestamp, CustomerId, PackageId, ModelId, PoolId, RegionCode, IndustryCode,
                    InputTokens, OutputTokens, RevenueMicros, ComputeCostMicros, IngestedAt FROM UsageEventsLegacy
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to one table; the days' tables (and their events) are left for the operator to drop or copy back.
            migrationBuilder.Sql("DROP VIEW IF EXISTS UsageEvents");
            migrationBuilder.Sql("DROP TABLE IF EXISTS UsageEventsLegacy");
            migrationBuilder.CreateTable(
                name: "UsageEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    ComputeCostMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    IndustryCode = table.Column<string>(type: "TEXT", nullable: false),
                    IngestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    InputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    ModelId = table.Column<int>(type: "INTEGER", nullable: false),
                    OutputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    PackageId = table.Column<int>(type: "INTEGER", nullable: false),
                    PoolId = table.Column<int>(type: "INTEGER", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", nullable: false),
                    RevenueMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageEvents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvents_EventId",
                table: "UsageEvents",
                column: "EventId",
                unique: true);
        }
    }
}
