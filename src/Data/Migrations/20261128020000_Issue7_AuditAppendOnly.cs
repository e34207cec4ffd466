using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TokenConsole.Data.Migrations
{
    /// <summary>
    /// The audit log is append-only in the database itself: an UPDATE or DELETE of an entry aborts, whoever sends it
    /// (the application, a script, the sqlite3 shell). The schema does not change, so the model snapshot does not either.
    /// </summary>
    [DbContext(typeof(TokenConsoleDbContext))]
    [Migration("20261128020000_Issue7_AuditAppendOnly")]
    public partial class Issue7_AuditAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER AuditEntries_NoUpdate BEFORE UPDATE ON AuditEntries
                BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: entries cannot be changed.'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER AuditEntries_NoDelete BEFORE DELETE ON AuditEntries
                BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: entries cannot be deleted.'); END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoDelete;");
        }
    }
}
