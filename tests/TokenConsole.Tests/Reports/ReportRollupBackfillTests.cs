using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using TokenConsole.Data;

namespace TokenConsole.Tests.Reports;

/// <summary>A database from before the report's package × model days and customer months gets their history from the rollups and the fees.</summary>
// SQLite only: A SQLite database from before the report rollups, upgraded.
[Trait("Provider", "Sqlite")]
public sealed class ReportRollupBackfillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_migrations_sum_the_rollups_into_Beijing_days_and_months_and_the_fees_beside_them()
    {
        using var folder = new TempFolder("tokenconsole-backfill-");
        var connectionString = $"Data Source={folder.File("before.db")};Foreign Keys=False";
        var options = new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite(connectionString).Options;
        // 1 November Beijing starts at 31 October 16:00 UTC: the first two hours are one Beijing day, the third the next.
        var first = new DateTime(2026, 10, 31, 16, 0, 0, DateTimeKind.Utc);
        var day = BusinessCalendar.DayStartUtc(first);
        await using (var db = new TokenConsoleDbContext(options))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261202155702_SeekingRollupKeys", Ct);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO UsageRollups (Hour, RegionCode, IndustryCode, ModelId, PackageId, PoolId, InputTokens, OutputTokens, Calls, RevenueMicros, ComputeCostMicros)
                VALUES ({first.Ticks}, 'CN-GD', 'finance', 1, 2, 1, 100, 10, 1, 1000, 7),
                       ({first.AddHours(23).Ticks}, 'CN-BJ', 'retail', 1, 2, 3, 200, 20, 2, 2000, 8),
                       ({first.AddHours(24).Ticks}, 'CN-GD', 'finance', 1, 2, 1, 400, 40, 4, 4000, 9),
                       ({first.AddHours(-1).Ticks}, 'CN-GD', 'finance', 5, 2, 1, 1, 0, 1, 3, 1)
                """, Ct);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO RevenueDaily (Day, CustomerId, PackageId, RegionCode, IndustryCode, FeeMicros, TopUpMicros, CreditMicros)
                VALUES ({day.Ticks}, 1, 2, 'CN-GD', 'finance', 500, 0, 0),
                       ({day.Ticks}, 2, 2, 'CN-BJ', 'retail', 600, 70, 0),
                       ({day.Ticks}, 1, 0, 'CN-GD', 'finance', 0, 0, 90)
                """, Ct);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO CustomerDailyUsage (Day, CustomerId, ModelId, Tokens, Calls, RevenueMicros, ComputeCostMicros, BucketTokens, OverageTokens, BaseRevenueMicros, LeakageTokens)
                VALUES ({day.AddDays(-1).Ticks}, 1, 1, 9, 1, 90, 3, 0, 0, 0, 0),
                       ({day.Ticks}, 1, 1, 30, 1, 300, 5, 0, 0, 0, 0),
                       ({day.AddDays(1).Ticks}, 1, 2, 40, 1, 400, 6, 0, 0, 0, 0)
                """, Ct);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO RegionIndustryDaily (Day, RegionCode, IndustryCode, Tokens, Calls, RevenueMicros, ComputeCostMicros, FeeMicros, TopUpMicros, CreditMicros)
                VALUES ({day.AddDays(-1).Ticks}, 'CN-GD', 'finance', 1, 1, 3, 1, 0, 0, 0),
                       ({day.Ticks}, 'CN-GD', 'finance', 110, 1, 1000, 7, 500, 0, 90),
                       ({day.AddDays(1).Ticks}, 'CN-GD', 'finance', 440, 4, 4000, 9, 0, 0, 0)
                """, Ct);
            await db.Database.MigrateAsync(Ct);
        }

        await using var check = new TokenConsoleDbContext(options);
        var rows = (await check.PackageModelDaily.AsNoTracking().ToListAsync(Ct))
            .Select(r => (r.Day, r.PackageId, r.ModelId, r.Tokens, r.Calls, r.RevenueMicros, r.ComputeCostMicros, r.FeeMicros, r.TopUpMicros, r.CreditMicros))
            .OrderBy(r => r.Day).ThenBy(r => r.PackageId).ThenBy(r => r.ModelId).ToList();
        Assert.Equal(
        [
            (day.AddDays(-1), 2, 5, 1L, 1L, 3L, 1L, 0L, 0L, 0L),
            (day, 0, 0, 0L, 0L, 0L, 0L, 0L, 0L, 90L),
            (day, 2, 0, 0L, 0L, 0L, 0L, 1100L, 70L, 0L),
            (day, 2, 1, 330L, 3L, 3000L, 15L, 0L, 0L, 0L),
            (day.AddDays(1), 2, 1, 440L, 4L, 4000L, 9L, 0L, 0L, 0L),
        ], rows);
        var months = (await check.CustomerMonthly.AsNoTracking().ToListAsync(Ct))
            .Select(m => (m.Month, m.CustomerId, m.Tokens, m.RevenueMicros, m.ComputeCostMicros, m.FeeMicros, m.TopUpMicros, m.CreditMicros))
            .OrderBy(m => m.Month).ThenBy(m => m.CustomerId).ToList();
        // 31 October is in October, 1 and 2 November in November (Beijing months).
        var november = BusinessCalendar.MonthStartUtc(day);
        Assert.Equal(day, november);
        Assert.Equal(
        [
            (BusinessCalendar.MonthStartUtc(day.AddDays(-1)), 1, 9L, 90L, 3L, 0L, 0L, 0L),
            (november, 1, 70L, 700L, 11L, 500L, 0L, 90L),
            (november, 2, 0L, 0L, 0L, 600L, 70L, 0L),
        ], months);
        var cellMonths = (await check.RegionIndustryMonthly.AsNoTracking().ToListAsync(Ct))
            .Select(m => (m.Month, m.RegionCode, m.Tokens, m.Calls, m.RevenueMicros, m.ComputeCostMicros, m.FeeMicros, m.CreditMicros))
            .OrderBy(m => m.Month).ToList();
        Assert.Equal(
        [
            (BusinessCalendar.MonthStartUtc(day.AddDays(-1)), "CN-GD", 1L, 1L, 3L, 1L, 0L, 0L),
            (november, "CN-GD", 550L, 5L, 5000L, 16L, 500L, 90L),
        ], cellMonths);
        var hours = (await check.RegionIndustryHourly.AsNoTracking().ToListAsync(Ct))
            .Select(h => (h.Hour, h.RegionCode, h.IndustryCode, h.Tokens, h.Calls, h.RevenueMicros, h.ComputeCostMicros)).OrderBy(h => h.Hour).ToList();
        Assert.Equal(
        [
            (first.AddHours(-1), "CN-GD", "finance", 1L, 1L, 3L, 1L),
            (first, "CN-GD", "finance", 110L, 1L, 1000L, 7L),
            (first.AddHours(23), "CN-BJ", "retail", 220L, 2L, 2000L, 8L),
            (first.AddHours(24), "CN-GD", "finance", 440L, 4L, 4000L, 9L),
        ], hours);
        SqliteConnection.ClearAllPools();
    }
}
