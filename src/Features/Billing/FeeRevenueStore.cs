using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using TokenConsole.Data;

namespace TokenConsole.Features.Billing;

/// <summary>Where the fee recognizer writes its days: set-based, in the caller's open transaction (one per provider).</summary>
public interface IFeeRevenueStore
{
    /// <summary>
    /// Adds the rows (of one or more days) to <see cref="RevenueDaily"/>, their sums per day × region × industry to
    /// the heatmap's RegionIndustryDaily (FeeMicros, TopUpMicros) and per month to RegionIndustryMonthly, per day × package to the report's
    /// PackageModelDaily and per month × customer to its CustomerMonthly, all as upserts: a credit note or the usage writer may
    /// have written the same keys first. The rows are unique by (day, customer, package).
    /// </summary>
    Task AddAsync(TokenConsoleDbContext db, IReadOnlyList<RevenueDaily> rows, CancellationToken cancellationToken);
}

/// <summary>
/// SQLite: each table gets one INSERT … SELECT … FROM json_each(@rows) ON CONFLICT DO UPDATE over a JSON array of the
/// rows — one statement and one parameter however many rows. One statement per row spent the catch-up in per-statement
/// overhead (300,000 executions on the demo data), and multi-row VALUES with a parameter per value bind by name, which
/// SQLite looks up by a linear scan: quadratic in the parameters of a statement. EF's change tracker would spend it on
/// tracking and key lookups. (PostgreSQL, issue 15: the same upserts over jsonb_to_recordset.)
/// </summary>
public sealed class SqliteFeeRevenueStore : IFeeRevenueStore
{
    /// <summary>Rows a statement: bounds the JSON text (~100 bytes a row) however long the catch-up.</summary>
    public const int RowsPerStatement = 10_000;

    // Each row is a JSON array: [day ticks, customer, package, region, industry, fee µ¥, top-up µ¥].
    private const string RevenueSql =
        """
        INSERT INTO "RevenueDaily" ("Day", "CustomerId", "PackageId", "RegionCode", "IndustryCode", "FeeMicros", "TopUpMicros", "CreditMicros")
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, 0 FROM json_each(@rows) WHERE true
        ON CONFLICT ("Day", "CustomerId", "PackageId") DO UPDATE SET
            "FeeMicros" = "RevenueDaily"."FeeMicros" + excluded."FeeMicros",
            "TopUpMicros" = "RevenueDaily"."TopUpMicros" + excluded."TopUpMicros"
        """;

    // Each cell is a JSON array: [region, industry, day ticks, fee µ¥, top-up µ¥].
    private const string CellSql =
        """
        INSERT INTO "RegionIndustryDaily" ("RegionCode", "IndustryCode", "Day", "FeeMicros", "TopUpMicros", "Tokens", "Calls", "RevenueMicros", "ComputeCostMicros", "CreditMicros")
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, 0, 0, 0, 0, 0 FROM json_each(@rows) WHERE true
        ON CONFLICT ("Day", "RegionCode", "IndustryCode") DO UPDATE SET
            "FeeMicros" = "RegionIndustryDaily"."FeeMicros" + excluded."FeeMicros",
            "TopUpMicros" = "RegionIndustryDaily"."TopUpMicros" + excluded."TopUpMicros"
        """;

    // Each package's day is a JSON array: [day ticks, package, fee µ¥, top-up µ¥]; model 0, a fee buys no model.
    private const string PackageSql =
        """
        INSERT INTO "PackageModelDaily" ("Day", "PackageId", "ModelId", "FeeMicros", "TopUpMicros")
        SELECT value ->> 0, value ->> 1, 0, value ->> 2, value ->> 3 FROM json_each(@rows) WHERE true
        ON CONFLICT ("Day", "PackageId", "ModelId") DO UPDATE SET
            "FeeMicros" = "PackageModelDaily"."FeeMicros" + excluded."FeeMicros",
            "TopUpMicros" = "PackageModelDaily"."TopUpMicros" + excluded."TopUpMicros"
        """;

    // Each cell's month is a JSON array: [region, industry, month ticks, fee µ¥, top-up µ¥].
    private const string CellMonthSql =
        """
        INSERT INTO "RegionIndustryMonthly" ("RegionCode", "IndustryCode", "Month", "FeeMicros", "TopUpMicros")
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(@rows) WHERE true
        ON CONFLICT ("Month", "RegionCode", "IndustryCode") DO UPDATE SET
            "FeeMicros" = "RegionIndustryMonthly"."FeeMicros" + excluded."FeeMicros",
            "TopUpMicros" = "RegionIndustryMonthly"."TopUpMicros" + excluded."TopUpMicros"
        """;

    // Each customer's month is a JSON array: [month ticks, customer, fee µ¥, top-up µ¥].
    private const string CustomerMonthSql =
        """
        INSERT INTO "CustomerMonthly" ("Month", "CustomerId", "FeeMicros", "TopUpMicros")
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(@rows) WHERE true
        ON CONFLICT ("Month", "CustomerId") DO UPDATE SET
            "FeeMicros" = "CustomerMonthly"."FeeMicros" + excluded."FeeMicros",
            "TopUpMicros" = "CustomerMonthly"."TopUpMicros" + excluded."TopUpMicros"
        """;

    public async Task AddAsync(TokenConsoleDbContext db, IReadOnlyList<RevenueDaily> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The fee recognizer writes its days inside its transaction with the watermark.");
        }
        // Days are stored as UTC ticks (the context's DateTime converter).
        await ExecuteChunkedAsync(db, RevenueSql, rows.Select(r => new object[] { r.Day.Ticks, r.CustomerId, r.PackageId, r.RegionCode, r.IndustryCode, r.FeeMicros, r.TopUpMicros }), cancellationToken);
        var cells = rows.GroupBy(r => (r.Day, r.RegionCode, r.IndustryCode))
            .Select(g => new object[] { g.Key.RegionCode, g.Key.IndustryCode, g.Key.Day.Ticks, g.Sum(r => r.FeeMicros), g.Sum(r => r.TopUpMicros) });
        await ExecuteChunkedAsync(db, CellSql, cells, cancellationToken);
        var cellMonths = rows.GroupBy(r => (Month: BusinessCalendar.MonthStartUtc(r.Day), r.RegionCode, r.IndustryCode))
            .Select(g => new object[] { g.Key.RegionCode, g.Key.IndustryCode, g.Key.Month.Ticks, g.Sum(r => r.FeeMicros), g.Sum(r => r.TopUpMicros) });
        await ExecuteChunkedAsync(db, CellMonthSql, cellMonths, cancellationToken);
        var packages = rows.GroupBy(r => (r.Day, r.PackageId))
            .Select(g => new object[] { g.Key.Day.Ticks, g.Key.PackageId, g.Sum(r => r.FeeMicros), g.Sum(r => r.TopUpMicros) });
        await ExecuteChunkedAsync(db, PackageSql, packages, cancellationToken);
        var months = rows.GroupBy(r => (Month: BusinessCalendar.MonthStartUtc(r.Day), r.CustomerId))
            .Select(g => new object[] { g.Key.Month.Ticks, g.Key.CustomerId, g.Sum(r => r.FeeMicros), g.Sum(r => r.TopUpMicros) });
        await ExecuteChunkedAsync(db, CustomerMonthSql, months, cancellationToken);
    }

    /// <summary>Runs <paramref name="sql"/> over the rows, <see cref="RowsPerStatement"/> at a time.</summary>
    private static async Task ExecuteChunkedAsync(TokenConsoleDbContext db, string sql, IEnumerable<object[]> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await ExecuteAsync(db, sql, chunk, cancellationToken);
        }
    }

    private static async Task ExecuteAsync(TokenConsoleDbContext db, string sql, IEnumerable<object[]> rows, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@rows";
        parameter.Value = JsonSerializer.Serialize(rows);
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
