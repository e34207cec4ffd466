using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Tests.Pricing;

public sealed class PackagePriceRatingEngineTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);

    private static PackagePriceRatingEngine Engine()
    {
        var book = new PriceBook(
            new Dictionary<int, PriceBook.PackagePrices>
            {
                [1] = new(1, 10, UnitPricePerMTok: 3.0m, OveragePricePerMTok: 5.0m, IncludedTokensPerMonth: 1_000_000,
                    new Dictionary<int, decimal> { [1] = 1.0m, [2] = 2.0m }.ToFrozenDictionary()),
            }.ToFrozenDictionary(),
            new Dictionary<int, PriceBook.ModelCosts> { [1] = new(0.5m, 1.0m), [2] = new(1.0m, 4.0m) }.ToFrozenDictionary());
        var provider = new PriceBookProvider(null!);
        provider.Replace(book);
        return new PackagePriceRatingEngine(provider);
    }

    private static UsageContext Event(int model, long input, long output, long monthSoFar) =>
        new(1, model, 7, "CN-GD", "finance", CustomerSegment.Sme, Noon, input, output, monthSoFar);

    [Fact]
    public void Tokens_inside_the_monthly_allowance_are_priced_at_the_unit_price()
    {
        var rating = Engine().Rate(Event(1, 300_000, 100_000, 0));
        Assert.Equal(1.2m, rating.Revenue);     // 400,000 tokens × ¥3/M
        Assert.Equal(0.25m, rating.ComputeCost); // 0.3M × ¥0.5 + 0.1M × ¥1
    }

    [Fact]
    public void A_premium_model_multiplies_the_tokens_and_the_part_beyond_the_allowance_is_overage()
    {
        // 500,000 tokens × 2 = 1,000,000 billable tokens; 500,000 left in the allowance at ¥3/M, 500,000 beyond at ¥5/M.
        var rating = Engine().Rate(Event(2, 300_000, 200_000, 500_000));
        Assert.Equal(1.5m + 2.5m, rating.Revenue);
        Assert.Equal(0.3m + 0.8m, rating.ComputeCost);
        Assert.Equal(rating.Revenue, rating.BaseRevenue);
        Assert.Equal(0, rating.RuleSetVersion);
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
        Assert.Equal(3_000_000, book.Packages[lite.Id].IncludedTokensPerMonth);
        // Draft and in-review packages are not on sale and have no prices.
        Assert.Equal(await db.Packages.CountAsync(p => p.ActiveVersionId != null, TestContext.Current.CancellationToken), book.Packages.Count);
    }
}
