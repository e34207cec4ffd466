using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Usage;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Usage;

/// <summary>A customer's subscription as the tests hold it.</summary>
public sealed record Subscriber(int CustomerId, int PackageId, int SubscriptionId, int VersionId);

/// <summary>
/// The real usage writer on a migrated SQLite file with a hand-made catalog: two models (× 1 and × 1.5), packages made
/// per test, one customer per subscription; the price book loaded from the database as the console loads it.
/// All subscriptions start on 15 October 2026, 10:00 Beijing: their periods begin at Beijing midnight on the 15th.
/// </summary>
public sealed class BucketTestBed : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset StartsAt = new(2026, 10, 15, 2, 0, 0, TimeSpan.Zero);
    /// <summary>The second period's first instant: 15 November, 00:00 Beijing.</summary>
    public static readonly DateTimeOffset SecondPeriod = new(2026, 11, 14, 16, 0, 0, TimeSpan.Zero);

    private readonly List<UsageWriter> _writers = [];
    private int _customers;

    public TestDatabase Database { get; } = new();
    public FakeTimeProvider Clock { get; } = new(Now);
    public PriceBookProvider Book { get; } = new(null!);
    public int Model { get; private set; }
    public int PremiumModel { get; private set; }

    public static async Task<BucketTestBed> CreateAsync()
    {
        var bed = new BucketTestBed();
        await using var db = bed.Database.CreateDbContext();
        await DatabaseInitializer.SeedReferenceDataAsync(db, TestContext.Current.CancellationToken);
        var standard = new AiModel { Code = "std", Name = "Standard", Vendor = "t", Family = "t", InputCostPerMTok = 0.5m, OutputCostPerMTok = 1m };
        var premium = new AiModel { Code = "pro", Name = "Premium", Vendor = "t", Family = "t", InputCostPerMTok = 2m, OutputCostPerMTok = 4m };
        db.Models.AddRange(standard, premium);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        (bed.Model, bed.PremiumModel) = (standard.Id, premium.Id);
        return bed;
    }

    /// <summary>A package on sale with one version; returns the version's id.</summary>
    public async Task<(int PackageId, int VersionId)> PackageAsync(string code, long included, int rolloverPercent = 0,
        ExhaustionPolicy whenExhausted = ExhaustionPolicy.PayAsYouGo, decimal overage = 5m, PackageKind kind = PackageKind.Base, decimal premiumMultiplier = 1.5m)
    {
        await using var db = Database.CreateDbContext();
        var version = new PackageVersion
        {
            Number = 1, Status = PackageStatus.Active, NameEn = code, NameZh = code, BillingPeriod = kind == PackageKind.TopUp ? BillingPeriod.OneOff : BillingPeriod.Monthly,
            ValidityDays = 30, PriceCny = 100m, IncludedTokens = included, OveragePricePerMTok = overage, RolloverPercent = rolloverPercent, WhenExhausted = whenExhausted,
            Entitlements = [new ModelEntitlement { ModelId = Model, Multiplier = 1m }, new ModelEntitlement { ModelId = PremiumModel, Multiplier = premiumMultiplier }],
        };
        var package = new TokenPackage { Code = code, Segment = CustomerSegment.Sme, Kind = kind, Status = PackageStatus.Active, CreatedBy = "test", Versions = [version] };
        db.Packages.Add(package);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        package.ActiveVersionId = version.Id;
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        Book.Replace(await PriceBook.LoadAsync(db, TestContext.Current.CancellationToken));
        return (package.Id, version.Id);
    }

    /// <summary>A new customer subscribed to the package from <see cref="StartsAt"/>: one term, anchored at that Beijing day's start.</summary>
    public async Task<Subscriber> SubscribeAsync((int PackageId, int VersionId) package)
    {
        await using var db = Database.CreateDbContext();
        var customer = new Customer { Code = $"BKT{++_customers:D3}", Name = "Bucket test", NameZh = "桶测试", Segment = CustomerSegment.Sme, IndustryCode = "finance", RegionCode = "CN-GD" };
        db.Customers.Add(customer);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        var subscription = new Subscription
        {
            CustomerId = customer.Id, PackageId = package.PackageId, PackageVersionId = package.VersionId, StartsAt = StartsAt, Status = SubscriptionStatus.Active,
            Terms = [new SubscriptionTerm { PackageVersionId = package.VersionId, From = StartsAt, Anchor = BusinessCalendar.DayStartUtc(StartsAt.UtcDateTime) }],
        };
        db.Subscriptions.Add(subscription);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return new Subscriber(customer.Id, package.PackageId, subscription.Id, package.VersionId);
    }

    /// <summary>A top-up pack sold on the subscription: a bucket of its own, valid [from, to).</summary>
    public async Task<long> TopUpAsync(Subscriber subscriber, (int PackageId, int VersionId) pack, decimal included, DateTimeOffset from, DateTimeOffset to)
    {
        await using var db = Database.CreateDbContext();
        var bucket = new AllowanceBucket
        {
            SubscriptionId = subscriber.SubscriptionId, CustomerId = subscriber.CustomerId, Kind = BucketKind.TopUp, PeriodStart = from, ValidFrom = from, ValidTo = to,
            Included = included, TopUpPackageId = pack.PackageId, TopUpPackageVersionId = pack.VersionId, PriceFen = 1000,
        };
        db.AllowanceBuckets.Add(bucket);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return bucket.Id;
    }

    /// <summary>A writer started on the database (the rules engine without rules: the base price is the price).</summary>
    public async Task<UsageWriter> StartWriterAsync()
    {
        var ruleSets = new RuleSetProvider(Database, NullLogger<RuleSetProvider>.Instance);
        var writer = new UsageWriter(Database, new RulesRatingEngine(Book, ruleSets), Book, new UsageNotifier(), Clock,
            Options.Create(new IngestionOptions()), new UsageWriterHealth(), NullLogger<UsageWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        _writers.Add(writer);
        return writer;
    }

    public static Task<WriteOutcome> WriteAsync(UsageWriter writer, params ValidUsageEvent[] events)
    {
        Assert.True(writer.TryEnqueue(new ArraySegment<ValidUsageEvent>(events), out var completion));
        return completion;
    }

    public ValidUsageEvent Event(Subscriber s, string id, DateTimeOffset at, long tokens, bool premium = false) =>
        new(id, at, s.CustomerId, CustomerSegment.Sme, s.PackageId, premium ? PremiumModel : Model, 1, "CN-GD", "finance", tokens, 0);

    public async Task<List<AllowanceBucket>> BucketsAsync(Subscriber s)
    {
        await using var db = Database.CreateDbContext();
        return await db.AllowanceBuckets.AsNoTracking().Where(b => b.SubscriptionId == s.SubscriptionId).OrderBy(b => b.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    public async Task<AllowanceBucket> BucketAsync(Subscriber s, BucketKind kind, DateTimeOffset periodStart) =>
        (await BucketsAsync(s)).Single(b => b.Kind == kind && b.PeriodStart == periodStart);

    public async Task<Dictionary<string, long>> RevenueByEventAsync()
    {
        await using var db = Database.CreateDbContext();
        return await db.UsageEvents.AsNoTracking().ToDictionaryAsync(e => e.EventId, e => e.RevenueMicros, TestContext.Current.CancellationToken);
    }

    public async Task<List<CustomerDailyUsage>> DailyAsync(Subscriber s)
    {
        await using var db = Database.CreateDbContext();
        return await db.CustomerDailyUsage.AsNoTracking().Where(d => d.CustomerId == s.CustomerId).OrderBy(d => d.Day).ThenBy(d => d.ModelId).ToListAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers)
        {
            await writer.StopAsync(CancellationToken.None);
            writer.Dispose();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Book.Dispose();
        Database.Dispose();
    }
}
