using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Reports;
using TokenConsole.Features.Usage;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Reports;

/// <summary>
/// A small known data set for October 2026 (31 Beijing days) and the month before it (1–30 September), with rows on
/// each side of every boundary. The expected figures in the tests are worked out by hand from it.
/// </summary>
public sealed class ReportFixture : IDisposable
{
    public TestDatabase Database { get; } = new();
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 15, 4, 0, 0, TimeSpan.Zero));
    public static ReportPeriod October => ReportPeriod.Month(2026, 10);

    public ReportsService Service => new(Database, Clock);

    public void Dispose() => Database.Dispose();

    private static DateTime Utc(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, DateTimeKind.Utc);

    private static UsageRollup Rollup(DateTime hour, string region, string industry, int model, int package, long input, long output, decimal revenue, decimal cost) => new()
    {
        Hour = hour, RegionCode = region, IndustryCode = industry, ModelId = model, PackageId = package, PoolId = 1,
        InputTokens = input, OutputTokens = output, Calls = 1, RevenueMicros = Money.ToMicros(revenue), ComputeCostMicros = Money.ToMicros(cost),
    };

    private static CustomerDailyUsage Daily(int month, int day, int customer, long tokens, decimal revenue, decimal cost = 0) => new()
    {
        Day = BusinessCalendar.ToUtc(new DateTime(2026, month, day)), CustomerId = customer, ModelId = 1, Tokens = tokens, Calls = 1, RevenueMicros = Money.ToMicros(revenue), ComputeCostMicros = Money.ToMicros(cost),
    };

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var db = Database.CreateDbContext();
        db.Regions.AddRange(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东" }, new Region { Code = "CN-BJ", NameEn = "Beijing", NameZh = "北京" });
        db.Industries.AddRange(new Industry { Code = "finance", NameEn = "Finance", NameZh = "金融" }, new Industry { Code = "retail", NameEn = "Retail", NameZh = "零售" });
        db.Models.AddRange(
            new AiModel { Id = 1, Code = "m1", Name = "Model One", Vendor = "v", Family = "f" },
            new AiModel { Id = 2, Code = "m2", Name = "Model Two", Vendor = "v", Family = "f" });
        db.Packages.AddRange(
            new TokenPackage { Id = 1, Code = "p1", CreatedBy = "pm", Versions = [new PackageVersion { Number = 1, NameEn = "Starter", NameZh = "入门包" }] },
            new TokenPackage { Id = 2, Code = "p2", CreatedBy = "pm", Versions = [new PackageVersion { Number = 1, NameEn = "Old name", NameZh = "旧名" }, new PackageVersion { Number = 2, NameEn = "Enterprise", NameZh = "企业包" }] });
        db.Customers.AddRange(
            new Customer { Id = 1, Code = "C1", Name = "Acme", NameZh = "艾克米", Segment = CustomerSegment.Sme, IndustryCode = "finance", RegionCode = "CN-GD" },
            new Customer { Id = 2, Code = "C2", Name = "Bo", NameZh = "博", Segment = CustomerSegment.Personal, IndustryCode = "retail", RegionCode = "CN-BJ" },
            new Customer { Id = 3, Code = "C3", Name = "Cathay", NameZh = "国泰", Segment = CustomerSegment.LargeEnterprise, IndustryCode = "retail", RegionCode = "CN-GD" });
        UsageRollup[] hourly =
        [
            Rollup(Utc(10, 1, 0), "CN-GD", "finance", 1, 1, 1_000, 500, 30, 10),     // 1 Oct 08:00 Beijing
            Rollup(Utc(9, 30, 16), "CN-BJ", "retail", 2, 2, 2_000, 0, 50, 40),       // 1 Oct 00:00 Beijing: the first hour
            Rollup(Utc(10, 31, 15), "CN-GD", "retail", 1, 2, 500, 500, 20, 25),      // 31 Oct 23:00 Beijing: the last hour, at a loss
            Rollup(Utc(10, 31, 16), "CN-GD", "finance", 1, 1, 9_999, 0, 999, 1),     // 1 Nov 00:00 Beijing: after the period
            Rollup(Utc(9, 30, 15), "CN-GD", "finance", 1, 1, 800, 0, 16, 8),         // 30 Sep 23:00 Beijing: previous period
            Rollup(Utc(8, 31, 16), "CN-BJ", "retail", 2, 2, 400, 0, 10, 5),          // 1 Sep 00:00 Beijing: first hour of the previous period
            Rollup(Utc(8, 31, 15), "CN-BJ", "retail", 2, 2, 7_777, 0, 777, 7),      // 31 Aug 23:00 Beijing: before both
        ];
        db.UsageRollups.AddRange(hourly);
        var cells = WriterCells.DailyCellsOf(hourly).ToList();
        db.RegionIndustryDaily.AddRange(cells);
        db.RegionIndustryMonthly.AddRange(WriterCells.CellMonthsOf(cells));
        db.PackageModelDaily.AddRange(WriterCells.PackageModelsOf(hourly));
        CustomerDailyUsage[] days =
        [
            Daily(10, 1, 1, 1_500, 30, 10),
            Daily(10, 31, 1, 100, 2, 1),
            Daily(10, 15, 2, 2_000, 50, 40),
            Daily(11, 1, 3, 999, 99),       // after the period
            Daily(9, 30, 3, 800, 16),       // previous period
            Daily(9, 1, 2, 400, 10),        // previous period, first day
            Daily(8, 31, 1, 5_000, 500),    // before both
        ];
        db.CustomerDailyUsage.AddRange(days);
        db.CustomerMonthly.AddRange(WriterCells.CustomerMonthsOf(days));
        await db.SaveChangesAsync(cancellationToken);
        // Subscriptions, for ARPU's divisor: customers 1 and 2 hold one in October, 2 and 3 in September (3's ended on 1 Oct).
        // Their versions are free and include nothing, so they add no fee and no breakage.
        var version = db.PackageVersions.First(v => v.PackageId == 1).Id;
        DateTimeOffset Beijing(int month, int day) => new(BusinessCalendar.ToUtc(new DateTime(2026, month, day)), TimeSpan.Zero);
        Subscription Holding(int customer, DateTimeOffset from, DateTimeOffset? to) => new()
        {
            CustomerId = customer, PackageId = 1, PackageVersionId = version, StartsAt = from, EndsAt = to, Status = to is null ? SubscriptionStatus.Active : SubscriptionStatus.Cancelled,
            Terms = [new Features.Customers.SubscriptionTerm { PackageVersionId = version, From = from, To = to, Anchor = from.UtcDateTime }],
        };
        db.Subscriptions.AddRange(Holding(1, Beijing(10, 1), null), Holding(2, Beijing(9, 1), null), Holding(3, Beijing(8, 1), Beijing(10, 1)));
        await db.SaveChangesAsync(cancellationToken);
    }
}
