using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class RuleEffects : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BillLineRuleEffects",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BillLineId = table.Column<long>(type: "INTEGER", nullable: false),
                    RuleSetVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    RuleOrdinal = table.Column<int>(type: "INTEGER", nullable: false),
                    RuleName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EffectMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    EffectFen = table.Column<long>(type: "INTEGER", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BillLineRuleEffects", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BillLineRuleEffects_BillLines_BillLineId",
                        column: x => x.BillLineId,
                        principalTable: "BillLines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CustomerDailyRuleEffect",
                columns: table => new
                {
                    Day = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    ModelId = table.Column<int>(type: "INTEGER", nullable: false),
                    RuleSetVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    RuleOrdinal = table.Column<int>(type: "INTEGER", nullable: false),
                    EffectMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerDailyRuleEffect", x => new { x.Day, x.CustomerId, x.ModelId, x.RuleSetVersion, x.RuleOrdinal });
                });

            migrationBuilder.CreateIndex(
                name: "IX_BillLineRuleEffects_BillLineId",
                table: "BillLineRuleEffects",
                column: "BillLineId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BillLineRuleEffects");

            migrationBuilder.DropTable(
                name: "CustomerDailyRuleEffect");
        }
    }
}
