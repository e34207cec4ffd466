using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.src.Data.Migrations
{
    /// <inheritdoc />
    public partial class StableActorIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "Actor",
                table: "AuditEntries",
                newName: "ActorName");

            migrationBuilder.AddColumn<string>(
                name: "DecidedById",
                table: "PriceChanges",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProposedById",
                table: "PriceChanges",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CreatedById",
                table: "PackageVersions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubmittedById",
                table: "PackageVersions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CreatedById",
                table: "Packages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ActorId",
                table: "AuditEntries",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "CreatedById",
                table: "ApiKeys",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ActorId",
                table: "AuditEntries",
                column: "ActorId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_ActorId",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "DecidedById",
                table: "PriceChanges");

            migrationBuilder.DropColumn(
                name: "ProposedById",
                table: "PriceChanges");

            migrationBuilder.DropColumn(
                name: "CreatedById",
                table: "PackageVersions");

            migrationBuilder.DropColumn(
                name: "SubmittedById",
                table: "PackageVersions");

            migrationBuilder.DropColumn(
                name: "CreatedById",
                table: "Packages");

            migrationBuilder.DropColumn(
                name: "ActorId",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "CreatedById",
                table: "ApiKeys");

            migrationBuilder.RenameColumn(
                name: "ActorName",
                table: "AuditEntries",
                newName: "Actor");
        }
    }
}
