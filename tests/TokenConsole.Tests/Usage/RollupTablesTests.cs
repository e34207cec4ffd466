using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using TokenConsole.Data;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// The rollup tables are WITHOUT ROWID tables, made so in SQL by migration Issue5_RollupsWithoutRowId (EF Core has no
/// setting for it). A later EF migration that rebuilds one of them would quietly make it a rowid table again, and
/// ingestion would slow down without any test failing but this one.
/// </summary>
public sealed class RollupTablesTests : IDisposable
{
    private static readonly string[] RollupTables = ["UsageRollups", "RegionIndustryDaily", "CustomerDailyUsage"];
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public void Each_rollup_table_is_stored_in_its_primary_key_without_a_rowid()
    {
        using var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        foreach (var table in RollupTables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $name";
            command.Parameters.AddWithValue("$name", table);
            var sql = (string?)command.ExecuteScalar();
            Assert.NotNull(sql);
            Assert.EndsWith("WITHOUT ROWID", sql.Trim(), StringComparison.OrdinalIgnoreCase);
        }
        using var indexes = connection.CreateCommand();
        indexes.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'RegionIndustryDaily' AND sql IS NOT NULL";
        Assert.Null(indexes.ExecuteScalar());
    }

    [Fact]
    public void Migrating_a_database_with_rollups_keeps_every_row_and_the_drill_down_index()
    {
        var folder = Directory.CreateTempSubdirectory("tokenconsole-migrate-").FullName;
        var connectionString = $"Data Source={Path.Combine(folder, "old.db")}";
        try
        {
            var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite(connectionString).Options;
            using (var db = new TokenConsoleDbContext(options))
            {
                db.GetService<IMigrator>().Migrate("Issue5_HeatmapCellsByRegion");
                db.Database.ExecuteSqlRaw("""
                    INSERT INTO UsageRollups (Hour, RegionCode, IndustryCode, ModelId, PackageId, PoolId, InputTokens, OutputTokens, Calls, Revenue, ComputeCost)
                    VALUES (1, 'CN-GD', 'finance', 1, 2, 3, 100, 50, 2, 1.5, 0.5), (2, 'CN-BJ', 'retail', 1, 2, 3, 7, 3, 1, 0.25, 0.125);
                    INSERT INTO RegionIndustryDaily (RegionCode, IndustryCode, Day, Tokens, Calls, Revenue, ComputeCost) VALUES ('CN-GD', 'finance', 1, 150, 2, 1.5, 0.5);
                    INSERT INTO CustomerDailyUsage (Day, CustomerId, ModelId, Tokens, Calls, Revenue, ComputeCost) VALUES (1, 9, 1, 150, 2, 1.5, 0.5);
                    """);
                db.Database.Migrate();
            }

            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            // The amounts that were REAL yuan are carried over as integer micro-yuan (migration Issue11_ExactMoney).
            Assert.Equal("1|CN-GD|finance|1|2|3|100|50|2|1500000|500000;2|CN-BJ|retail|1|2|3|7|3|1|250000|125000",
                Rows(connection, "SELECT Hour, RegionCode, IndustryCode, ModelId, PackageId, PoolId, InputTokens, OutputTokens, Calls, RevenueMicros, ComputeCostMicros FROM UsageRollups ORDER BY Hour"));
            Assert.Equal("CN-GD|finance|1|2|500000|1500000|150", Rows(connection, "SELECT RegionCode, IndustryCode, Day, Calls, ComputeCostMicros, RevenueMicros, Tokens FROM RegionIndustryDaily"));
            Assert.Equal("1|9|1|150|2|1500000|500000", Rows(connection, "SELECT Day, CustomerId, ModelId, Tokens, Calls, RevenueMicros, ComputeCostMicros FROM CustomerDailyUsage"));
            Assert.Equal("IX_UsageRollups_RegionCode_IndustryCode_Hour",
                Rows(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'UsageRollups' AND sql IS NOT NULL"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }
        return string.Join(';', rows);
    }
}
