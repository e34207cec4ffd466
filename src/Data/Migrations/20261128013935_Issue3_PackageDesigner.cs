using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.Data.Migrations
{
    /// <inheritdoc />
    public partial class Issue3_PackageDesigner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CreatedAt",
                table: "PackageVersions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "CreatedBy",
                table: "PackageVersions",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "SubmittedAt",
                table: "PackageVersions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubmittedBy",
                table: "PackageVersions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_PackageVersions_Status_EffectiveFrom",
                table: "PackageVersions",
                columns: new[] { "Status", "EffectiveFrom" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PackageVersions_Status_EffectiveFrom",
                table: "PackageVersions");

            migrationBuilder.DropColumn(
                name: "CreatedAt",
                table: "PackageVersions");

            migrationBuilder.DropColumn(
                name: "CreatedBy",
                table: "PackageVersions");

            migrationBuilder.DropColumn(
                name: "SubmittedAt",
                table: "PackageVersions");

            migrationBuilder.DropColumn(
                name: "SubmittedBy",
                table: "PackageVersions");
        }
    }
}
