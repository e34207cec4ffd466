using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Tests.Pricing;

public sealed class PackagePriceRatingEngineTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);

    private static PackagePriceRatingEngine Engine()
    {
        var multipliers = new Dictionary<int, decimal> { [1] = 1.0m, [2] = 2.0m }.ToFrozenDictionary();
        var active = new PriceBook.PackagePrices(1, 10, UnitPricePerMTok: 3.0m, OveragePricePerMTok: 5.0m, IncludedTokens: 1_000_000, multipliers);
        // An older version the package no longer sells, which a subscription still holds: its own overage price and multiplier.
        var older = new PriceBook.PackagePrices(1, 9, UnitPricePerMTok: 2.0m, OveragePricePerMTok: 4.0m, IncludedTokens: 500_000,
            new Dictionary<int, decimal> { [1] = 1.0m, [2] = 1.5m }.ToFrozenDictionary());
        var book = new PriceBook(
            new Dictionary<int, PriceBook.PackagePrices> { [1] = active }.ToFrozenDictionary(),
            new Dictionary<int, PriceBook.ModelCosts> { [1] = new(0.5m, 1.0m), [2] = new(1.0m, 4.0m) }.ToFrozenDictionary(),
            new Dictionary<int, PriceBook.PackagePrices> { [10] = active, [9] = older }.ToFrozenDictionary());
        var provider = new PriceBookProvider(null!);
        provider.Replace(book);
        return new PackagePriceRatingEngine(provider);
    }

    private static UsageContext Event(int model, long input, long output, decimal bucketRemaining,
        ExhaustionPolicy policy = ExhaustionPolicy.PayAsYouGo, int version = 0) =>
        new(1, model, 7, "CN-GD", "finance", CustomerSegment.Sme, Noon, input, output, 0, bucketRemaining, policy, version);

    [Fact]
    public void Tokens_inside_the_buckets_earn_nothing_and_cost_their_compute()
    {
        var rating = Engine().Rate(Event(1, 300_000, 100_000, bucketRemaining: 1_000_000));
        Assert.Equal(0m, rating.Revenue);
        Assert.Equal(400_000m, rating.BucketTokens);
        Assert.Equal((0m, 0m), (rating.OverageTokens, rating.LeakageTokens));
        Assert.Equal(0.25m, rating.ComputeCost); // 0.3M × ¥0.5 + 0.1M × ¥1
    }

    [Fact]
    public void A_premium_model_multiplies_the_tokens_and_the_part_beyond_the_buckets_is_charged_at_the_overage_price()
    {
        // 500,000 tokens × 2 = 1,000,000 billable tokens; 400,000.5 left in the buckets, 599,999.5 beyond at ¥5/M.
        var rating = Engine().Rate(Event(2, 300_000, 200_000, bucketRemaining: 400_000.5m));
        Assert.Equal(400_000.5m, rating.BucketTokens);
        Assert.Equal(599_999.5m, rating.OverageTokens);
        Assert.Equal(2_999_998, rating.RevenueMicros); // 599,999.5 × 5 µ¥ = 2,999,997.5 → rounded once, half away from zero
        Assert.Equal(rating.RevenueMicros, rating.BaseRevenueMicros);
        Assert.Equal(0.3m + 0.8m, rating.ComputeCost);
        Assert.Equal(0, rating.RuleSetVersion);
    }

    [Fact]
    public void Beyond_a_stop_at_limit_packages_buckets_the_usage_is_rated_at_zero_and_counted_as_leakage()
    {
        var rating = Engine().Rate(Event(2, 300_000, 200_000, bucketRemaining: 250_000, ExhaustionPolicy.StopAtLimit));
        Assert.Equal((0L, 0L), (rating.RevenueMicros, rating.BaseRevenueMicros));
        Assert.Equal((250_000m, 0m, 750_000m), (rating.BucketTokens, rating.OverageTokens, rating.LeakageTokens));
        Assert.Equal(1.1m, rating.ComputeCost);
    }

    [Fact]
    public void The_version_the_subscription_holds_prices_it_not_the_version_on_sale()
    {
        // Version 9: × 1.5 and ¥4/M: 500,000 × 1.5 = 750,000 billable, all beyond an empty bucket → ¥3.
        var rating = Engine().Rate(Event(2, 300_000, 200_000, bucketRemaining: 0, version: 9));
        Assert.Equal((750_000m, 3m), (rating.OverageTokens, rating.Revenue));
    }

    [Fact]
    public void An_unknown_package_earns_nothing()
    {
        var rating = Engine().Rate(Event(1, 1000, 1000, 0) with { PackageId = 99 });
        Assert.Equal(0, rating.Revenue);
    }

    [Fact]
    public async Task The_price_book_loads_the_active_versions_of_the_seeded_catalog()
    {
        using var database = new TestDatabase();
        await using var db = database.CreateDbContext();
        await DatabaseInitializer.SeedReferenceDataAsync(db, TestContext.Current.CancellationToken);
        var options = Microsoft.Extensions.Options.Options.Create(new TokenConsole.Data.Seeding.DemoOptions { Days = 1, Customers = 500, CallsPerDay = 1000, EventHours = 1 });
        await new TokenConsole.Data.Seeding.DemoDataSeeder(options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<TokenConsole.Data.Seeding.DemoDataSeeder>.Instance)
            .SeedAsync(db, TestContext.Current.CancellationToken);

        var book = await PriceBook.LoadAsync(db, TestContext.Current.CancellationToken);
        var lite = await db.Packages.Include(p => p.ActiveVersion).SingleAsync(p => p.Code == "P-LITE", TestContext.Current.CancellationToken);
        // ¥9.9 for 3,000,000 tokens a month: ¥3.30 per million.
        Assert.Equal(3.3m, book.Packages[lite.Id].UnitPricePerMTok);
        Assert.Equal(3_000_000, book.Packages[lite.Id].IncludedTokens);
        // Every version is known, also those no longer on sale that subscriptions may still hold.
        Assert.Equal(await db.PackageVersions.CountAsync(TestContext.Current.CancellationToken), book.Versions.Count);
        // Draft and in-review packages are not on sale and have no prices.
        Assert.Equal(await db.Packages.CountAsync(p => p.ActiveVersionId != null, TestContext.Current.CancellationToken), book.Packages.Count);
    }
}
