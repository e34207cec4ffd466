using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class PriceChangeDecisionNotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DecisionComment",
                table: "PriceChanges",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RollbackReason",
                table: "PriceChanges",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RolledBackById",
                table: "PriceChanges",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DecisionComment",
                table: "PriceChanges");

            migrationBuilder.DropColumn(
                name: "RollbackReason",
                table: "PriceChanges");

            migrationBuilder.DropColumn(
                name: "RolledBackById",
                table: "PriceChanges");
        }
    }
}
