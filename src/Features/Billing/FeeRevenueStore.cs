using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using TokenConsole.Data;

namespace TokenConsole.Features.Billing;

/// <summary>Where the fee recognizer writes a day: set-based, in the caller's open transaction.</summary>
public interface IFeeRevenueStore
{
    /// <summary>
    /// Adds the day's rows to <see cref="RevenueDaily"/> and their sums per region × industry to the heatmap's
    /// RegionIndustryDaily (FeeMicros, TopUpMicros), both as upserts: a credit note or the usage writer may have written
    /// the same keys first.
    /// </summary>
    Task AddDayAsync(TokenConsoleDbContext db, DateTime day, IReadOnlyList<RevenueDaily> rows, CancellationToken cancellationToken);
}

/// <summary>
/// One INSERT … ON CONFLICT DO UPDATE command per table, executed per row with new parameter values (compiled once). The statement is the same on SQLite and
/// PostgreSQL (both have the upsert with <c>excluded</c>), and it goes through plain ADO.NET, so it runs on either
/// provider. EF's change tracker would spend most of a 200,000-row day on tracking and key lookups.
/// </summary>
public sealed class SqlFeeRevenueStore : IFeeRevenueStore
{
    private const string RevenueSql =
        """
        INSERT INTO "RevenueDaily" ("Day", "CustomerId", "PackageId", "RegionCode", "IndustryCode", "FeeMicros", "TopUpMicros", "CreditMicros")
        VALUES (@day, @customer, @package, @region, @industry, @fee, @topUp, 0)
        ON CONFLICT ("Day", "CustomerId", "PackageId") DO UPDATE SET
            "FeeMicros" = "RevenueDaily"."FeeMicros" + excluded."FeeMicros",
            "TopUpMicros" = "RevenueDaily"."TopUpMicros" + excluded."TopUpMicros"
        """;

    private const string CellSql =
        """
        INSERT INTO "RegionIndustryDaily" ("RegionCode", "IndustryCode", "Day", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros", "FeeMicros", "TopUpMicros", "CreditMicros")
        VALUES (@region, @industry, @day, 0, 0, 0, 0, @fee, @topUp, 0)
        ON CONFLICT ("RegionCode", "IndustryCode", "Day") DO UPDATE SET
            "FeeMicros" = "RegionIndustryDaily"."FeeMicros" + excluded."FeeMicros",
            "TopUpMicros" = "RegionIndustryDaily"."TopUpMicros" + excluded."TopUpMicros"
        """;

    public async Task AddDayAsync(TokenConsoleDbContext db, DateTime day, IReadOnlyList<RevenueDaily> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The fee recognizer writes a day inside its transaction with the watermark.");
        // Days are stored as UTC ticks (the context's DateTime converter).
        var dayTicks = day.Ticks;

        await using (var insert = Prepare(connection, transaction, RevenueSql, "day", "customer", "package", "region", "industry", "fee", "topUp"))
        {
            insert.Parameters["@day"].Value = dayTicks;
            foreach (var row in rows)
            {
                insert.Parameters["@customer"].Value = row.CustomerId;
                insert.Parameters["@package"].Value = row.PackageId;
                insert.Parameters["@region"].Value = row.RegionCode;
                insert.Parameters["@industry"].Value = row.IndustryCode;
                insert.Parameters["@fee"].Value = row.FeeMicros;
                insert.Parameters["@topUp"].Value = row.TopUpMicros;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        var cells = rows.GroupBy(r => (r.RegionCode, r.IndustryCode))
            .Select(g => (g.Key.RegionCode, g.Key.IndustryCode, Fee: g.Sum(r => r.FeeMicros), TopUp: g.Sum(r => r.TopUpMicros)));
        await using var upsert = Prepare(connection, transaction, CellSql, "region", "industry", "day", "fee", "topUp");
        upsert.Parameters["@day"].Value = dayTicks;
        foreach (var (region, industry, fee, topUp) in cells)
        {
            upsert.Parameters["@region"].Value = region;
            upsert.Parameters["@industry"].Value = industry;
            upsert.Parameters["@fee"].Value = fee;
            upsert.Parameters["@topUp"].Value = topUp;
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }
        // Microsoft.Data.Sqlite compiles the statement at its first execution and reuses it while the text stays the same.
        return command;
    }
}
