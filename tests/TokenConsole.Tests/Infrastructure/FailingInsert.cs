using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Tests.Infrastructure;

/// <summary>
/// A trigger that makes inserts into a table fail (all of them, or those whose row meets a condition on <c>NEW</c>), as a
/// full disk or a broken constraint would, on the provider the test runs on: SQLite's <c>RAISE(ABORT)</c> or a PL/pgSQL
/// function that raises. PostgreSQL fires a row trigger of a partitioned table for the rows of each partition.
/// </summary>
public static class FailingInsert
{
    /// <param name="condition">A condition on the new row, e.g. <c>NEW."Day" = 42</c>; null fails every insert.</param>
    public static async Task CreateAsync(TokenConsoleDbContext db, string name, string table, string? condition, string message)
    {
        ArgumentNullException.ThrowIfNull(db);
        // DDL of the test's own names and conditions: nothing in it comes from outside the test.
        string sql;
        if (db.Database.IsSqlite())
        {
            sql = $"""CREATE TRIGGER {name} BEFORE INSERT ON "{table}" {(condition is null ? "" : "WHEN " + condition)} BEGIN SELECT RAISE(ABORT, '{message}'); END;""";
        }
        else
        {
            sql = $"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {condition ?? "true"} THEN RAISE EXCEPTION '{message}'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE INSERT ON "{table}" FOR EACH ROW EXECUTE FUNCTION {name}();
            """;
        }
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    public static async Task DropAsync(TokenConsoleDbContext db, string name, string table)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite()
            ? $"DROP TRIGGER IF EXISTS {name};"
            : $"""DROP TRIGGER IF EXISTS {name} ON "{table}"; DROP FUNCTION IF EXISTS {name}();""");
    }
}
