using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Tests.Data;

/// <summary>
/// The migrations of the provider the pass runs on (SQLite's in src/Data/Migrations, PostgreSQL's in
/// src/Data/PostgreSQL/Migrations) make the schema the model maps, plus what the model cannot say.
/// </summary>
public sealed class MigrationTests : IDisposable
{
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public void The_migrations_hold_every_change_of_the_model()
    {
        using var db = _database.CreateDbContext();
        Assert.False(db.Database.HasPendingModelChanges(), _database.Provider == DatabaseProvider.PostgreSQL
            ? "The EF model has changes that no PostgreSQL migration holds: `dotnet ef migrations add <SchemaChange> --context PostgresTokenConsoleDbContext --output-dir src/Data/PostgreSQL/Migrations --namespace TokenConsole.Data.PostgreSQL.Migrations`."
            : "The EF model has changes that no migration holds: add one with `dotnet ef migrations add <SchemaChange> --context TokenConsoleDbContext --output-dir src/Data/Migrations`.");
    }

    [Fact]
    public async Task The_audit_log_refuses_update_delete_and_truncate_from_plain_sql()
    {
        await using var db = _database.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "AuditEntries" ("At", "ActorId", "ActorName", "Action", "EntityType") VALUES (1, 'u1', 'Lin Wei', 'package.created', 'Package')
            """, TestContext.Current.CancellationToken);
        // SQLite has no TRUNCATE (its DELETE without WHERE is what a script would send).
        var refused = _database.Provider == DatabaseProvider.PostgreSQL
            ? new[] { """UPDATE "AuditEntries" SET "Action" = 'x'""", """DELETE FROM "AuditEntries" """, """TRUNCATE "AuditEntries" """ }
            : [ """UPDATE "AuditEntries" SET "Action" = 'x'""", """DELETE FROM "AuditEntries" """ ];
        foreach (var sql in refused)
        {
            var error = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync(sql, TestContext.Current.CancellationToken));
            Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(1, await db.AuditEntries.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal("package.created", await db.AuditEntries.Select(a => a.Action).SingleAsync(TestContext.Current.CancellationToken));
    }
}
