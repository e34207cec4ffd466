using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.Data.Migrations
{
    /// <inheritdoc />
    public partial class Issue6_PriceRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "PreviousVersionId",
                table: "PriceRuleSetVersions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RolledBackAt",
                table: "PriceChanges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RolledBackBy",
                table: "PriceChanges",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SubmittedAt",
                table: "PriceChanges",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PreviousVersionId",
                table: "PriceRuleSetVersions");

            migrationBuilder.DropColumn(
                name: "RolledBackAt",
                table: "PriceChanges");

            migrationBuilder.DropColumn(
                name: "RolledBackBy",
                table: "PriceChanges");

            migrationBuilder.DropColumn(
                name: "SubmittedAt",
                table: "PriceChanges");
        }
    }
}
