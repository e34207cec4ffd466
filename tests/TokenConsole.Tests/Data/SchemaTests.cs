using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;
using TokenConsole.Data;

namespace TokenConsole.Tests.Data;

/// <summary>
/// The schema is the model plus what EF Core cannot declare (WITHOUT ROWID rollup tables, an append-only audit log),
/// declared as annotations and written as SQL by ConsoleSqliteMigrationsSqlGenerator. Without these tests a later
/// migration that rebuilds a table would quietly make a rollup table a rowid table again (ingestion slows down) or
/// drop the audit log's triggers.
/// </summary>
[Trait("Provider", "Sqlite")]
public sealed class SchemaTests : IDisposable
{
    private static readonly string[] RollupTables = ["UsageRollups", "RegionIndustryDaily", "CustomerDailyUsage"];
    private readonly TestDatabase _database = new(DatabaseProvider.Sqlite);

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// The app runs on the compiled model (src/Data/CompiledModel, for the first-start budget): it must be the model the
    /// entity configurations build, or the app would read and write with an older mapping than its migrations create.
    /// </summary>
    [Fact]
    public void The_compiled_model_is_the_model_the_configurations_build()
    {
        using var db = _database.CreateDbContext();
        var configured = db.GetService<IDesignTimeModel>().Model;
        Assert.True(Shape(configured).SequenceEqual(Shape(TokenConsole.Data.CompiledModel.TokenConsoleDbContextModel.Instance)),
            "The compiled model is out of date: run `dotnet ef dbcontext optimize --output-dir src/Data/CompiledModel --namespace TokenConsole.Data.CompiledModel`.");
    }

    /// <summary>What the mapping is made of: tables, columns with their types and conversions, keys, indexes, foreign keys.</summary>
    private static List<string> Shape(IModel model) =>
    [
        .. model.GetEntityTypes().SelectMany(e => new[] { $"{e.Name} -> {e.GetTableName()}" }
            .Concat(e.GetProperties().Select(p => $"{e.Name}.{p.Name}: {p.ClrType.Name} {(p.IsNullable ? "null" : "not null")} column {p.GetColumnName()} as {p.GetTypeMapping().Converter?.ProviderClrType.Name ?? p.ClrType.Name} {p.ValueGenerated} {p.IsConcurrencyToken}"))
            .Concat(e.GetKeys().Select(k => $"{e.Name} key ({string.Join(", ", k.Properties.Select(p => p.Name))}){(k.IsPrimaryKey() ? " primary" : "")}"))
            .Concat(e.GetIndexes().Select(i => $"{e.Name} index {i.GetDatabaseName()} ({string.Join(", ", i.Properties.Select(p => p.Name))}){(i.IsUnique ? " unique" : "")}"))
            .Concat(e.GetForeignKeys().Select(f => $"{e.Name} fk ({string.Join(", ", f.Properties.Select(p => p.Name))}) -> {f.PrincipalEntityType.Name} {f.DeleteBehavior}"))
            .Concat(e.GetAnnotations().Where(a => a.Name.StartsWith("TokenConsole", StringComparison.Ordinal)).Select(a => $"{e.Name} {a.Name}={a.Value}")))
            .Order(StringComparer.Ordinal),
    ];

    [Fact]
    public void Each_rollup_table_is_stored_in_its_primary_key_without_a_rowid()
    {
        using var connection = Open();
        foreach (var table in RollupTables)
        {
            Assert.EndsWith("WITHOUT ROWID", TableSql(connection, table), StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal("", Scalar(connection, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'RegionIndustryDaily' AND sql IS NOT NULL"));
        Assert.Equal("IX_UsageRollups_RegionCode_IndustryCode_Hour",
            Scalar(connection, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'UsageRollups' AND sql IS NOT NULL"));
    }

    [Fact]
    public void A_table_rebuild_keeps_rollup_rows_without_a_rowid_and_the_audit_log_append_only()
    {
        // Altering a column is what makes EF rebuild a table on SQLite (create ef_temp_<table>, copy, drop, rename).
        using (var db = _database.CreateDbContext())
        {
            db.Database.ExecuteSqlRaw("""
                INSERT INTO UsageRollups (Hour, RegionCode, IndustryCode, ModelId, PackageId, PoolId, InputTokens, OutputTokens, Calls, RevenueMicros, ComputeCostMicros)
                VALUES (1, 'CN-GD', 'finance', 1, 2, 3, 100, 50, 2, 1500000, 500000);
                INSERT INTO AuditEntries (At, ActorId, ActorName, Action, EntityType) VALUES (1, 'u1', 'Lin Wei', 'package.created', 'Package');
                """);
            var model = db.GetService<IDesignTimeModel>().Model;
            var sql = db.GetService<IMigrationsSqlGenerator>().Generate(
            [
                new AlterColumnOperation { Table = "UsageRollups", Name = "Calls", ClrType = typeof(long), ColumnType = "INTEGER", OldColumn = new AddColumnOperation { Table = "UsageRollups", Name = "Calls", ClrType = typeof(int) } },
                new AlterColumnOperation { Table = "AuditEntries", Name = "EntityType", ClrType = typeof(string), ColumnType = "TEXT", OldColumn = new AddColumnOperation { Table = "AuditEntries", Name = "EntityType", ClrType = typeof(string), IsNullable = true } },
            ], model);
            Assert.Contains(sql, c => c.CommandText.Contains("ef_temp_UsageRollups", StringComparison.Ordinal));
            db.GetService<IMigrationCommandExecutor>().ExecuteNonQuery(sql, db.GetService<IRelationalConnection>());
        }

        using var connection = Open();
        Assert.EndsWith("WITHOUT ROWID", TableSql(connection, "UsageRollups"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("1", Scalar(connection, "SELECT count(*) FROM UsageRollups WHERE RevenueMicros = 1500000"));
        var update = Assert.Throws<SqliteException>(() => Scalar(connection, "UPDATE AuditEntries SET Action = 'x'"));
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        var delete = Assert.Throws<SqliteException>(() => Scalar(connection, "DELETE FROM AuditEntries"));
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        Assert.Equal("1", Scalar(connection, "SELECT count(*) FROM AuditEntries"));
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        return connection;
    }

    private static string TableSql(SqliteConnection connection, string table) =>
        Scalar(connection, $"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'").Trim();

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
