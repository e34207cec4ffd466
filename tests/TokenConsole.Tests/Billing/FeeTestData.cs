using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;

namespace TokenConsole.Tests.Billing;

/// <summary>Hand-built customers, packages and subscription terms on a real SQLite file, and the recognizer over them.</summary>
public sealed class FeeTestData(DateTimeOffset? now = null) : IDisposable
{
    public TestDatabase Database { get; } = new();
    public FakeTimeProvider Clock { get; } = new(now ?? new DateTimeOffset(2026, 12, 2, 4, 0, 0, TimeSpan.Zero));

    public FeeRecognizer Recognizer(IFeeRevenueStore? store = null) =>
        new(Database, store ?? new FeeRevenueStore(), Clock, Options.Create(new BillingOptions()), NullLogger<FeeRecognizer>.Instance);

    public void Dispose() => Database.Dispose();

    /// <summary>Midnight Beijing time of a day, as UTC (how days are stored).</summary>
    public static DateTime Day(int year, int month, int day) => BusinessCalendar.ToUtc(new DateTime(year, month, day));

    public static DateTimeOffset At(int year, int month, int day, int hour = 0) => new(BusinessCalendar.ToUtc(new DateTime(year, month, day, hour, 0, 0)), TimeSpan.Zero);

    /// <summary>Regions, industries and customers C1 (CN-GD × finance) and C2 (CN-BJ × retail).</summary>
    public async Task SeedCustomersAsync(CancellationToken cancellationToken)
    {
        await using var db = Database.CreateDbContext();
        db.Regions.AddRange(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东" }, new Region { Code = "CN-BJ", NameEn = "Beijing", NameZh = "北京" });
        db.Industries.AddRange(new Industry { Code = "finance", NameEn = "Finance", NameZh = "金融" }, new Industry { Code = "retail", NameEn = "Retail", NameZh = "零售" });
        db.Customers.AddRange(
            new Customer { Id = 1, Code = "C1", Name = "Acme", NameZh = "艾克米", Segment = CustomerSegment.Sme, IndustryCode = "finance", RegionCode = "CN-GD" },
            new Customer { Id = 2, Code = "C2", Name = "Bo", NameZh = "博", Segment = CustomerSegment.Personal, IndustryCode = "retail", RegionCode = "CN-BJ" });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A package with one active version; returns the version's id (the package's id is <paramref name="id"/>).</summary>
    public async Task<int> AddPackageAsync(int id, string code, decimal price, BillingPeriod period = BillingPeriod.Monthly, int validityDays = 0,
        PackageKind kind = PackageKind.Base, long includedTokens = 1_000_000, CustomerSegment segment = CustomerSegment.Sme, CancellationToken cancellationToken = default)
    {
        await using var db = Database.CreateDbContext();
        var version = new PackageVersion
        {
            Number = 1, NameEn = code, NameZh = code, Status = PackageStatus.Active, BillingPeriod = period, ValidityDays = validityDays,
            PriceCny = price, IncludedTokens = includedTokens,
        };
        db.Packages.Add(new TokenPackage { Id = id, Code = code, CreatedBy = "pm", Kind = kind, Segment = segment, Status = PackageStatus.Active, Versions = [version] });
        await db.SaveChangesAsync(cancellationToken);
        return version.Id;
    }

    /// <summary>A subscription with the given terms (version, from, to, anchor).</summary>
    public async Task<int> AddSubscriptionAsync(int customerId, int packageId, IEnumerable<(int Version, DateTimeOffset From, DateTimeOffset? To, DateTime Anchor)> terms,
        SubscriptionStatus status = SubscriptionStatus.Active, CancellationToken cancellationToken = default)
    {
        await using var db = Database.CreateDbContext();
        var list = terms.Select(t => new SubscriptionTerm { PackageVersionId = t.Version, From = t.From, To = t.To, Anchor = t.Anchor }).ToList();
        var subscription = new Subscription
        {
            CustomerId = customerId, PackageId = packageId, PackageVersionId = list[^1].PackageVersionId, StartsAt = list[0].From,
            EndsAt = list[^1].To, Status = status, Terms = list,
        };
        db.Subscriptions.Add(subscription);
        await db.SaveChangesAsync(cancellationToken);
        return subscription.Id;
    }

    /// <summary>A top-up pack sold at <paramref name="soldAt"/> on a subscription.</summary>
    public async Task AddTopUpAsync(int subscriptionId, int customerId, int packageId, int versionId, DateTimeOffset soldAt, int days, long priceFen, CancellationToken cancellationToken)
    {
        await using var db = Database.CreateDbContext();
        db.AllowanceBuckets.Add(new AllowanceBucket
        {
            SubscriptionId = subscriptionId, CustomerId = customerId, Kind = BucketKind.TopUp, PeriodStart = soldAt, ValidFrom = soldAt, ValidTo = soldAt.AddDays(days),
            Included = 500_000, TopUpPackageId = packageId, TopUpPackageVersionId = versionId, PriceFen = priceFen, SoldById = "am",
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The recognized rows, by day.</summary>
    public List<RevenueDaily> Revenue()
    {
        using var db = Database.CreateDbContext();
        return [.. db.RevenueDaily.OrderBy(r => r.Day).ThenBy(r => r.PackageId)];
    }
}
