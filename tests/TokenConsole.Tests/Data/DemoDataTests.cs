using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Data.Seeding;

namespace TokenConsole.Tests.Data;

public sealed class DemoDataTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(long Tokens, long Revenue, int Rollups, int Events, string TopRegion)> SeedAsync(int seed)
    {
        using var database = new TestDatabase();
        await using var db = database.CreateDbContext();
        await DatabaseInitializer.SeedReferenceDataAsync(db, Ct);
        var options = Options.Create(new DemoOptions { Seed = seed, Days = 7, Customers = 2000, CallsPerDay = 10_000, EventHours = 3 });
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 1, 30, 0, TimeSpan.Zero));
        await new DemoDataSeeder(options, clock, NullLogger<DemoDataSeeder>.Instance).SeedAsync(db, Ct);
        var rollups = await db.UsageRollups.AsNoTracking().ToListAsync(Ct);
        return (rollups.Sum(r => r.InputTokens + r.OutputTokens), rollups.Sum(r => r.RevenueMicros), rollups.Count,
            await db.UsageEvents.CountAsync(Ct),
            rollups.GroupBy(r => r.RegionCode).OrderByDescending(g => g.Sum(r => r.InputTokens + r.OutputTokens)).First().Key);
    }

    [Fact]
    public async Task The_same_seed_and_start_hour_give_the_same_data()
    {
        var first = await SeedAsync(7);
        var second = await SeedAsync(7);
        Assert.Equal(first, second);
        Assert.True(first.Events > 0);
        Assert.NotEqual(first, await SeedAsync(8));
    }

    [Fact]
    public async Task Usage_follows_the_economic_weight_of_the_provinces()
    {
        var data = await SeedAsync(11);
        // Guangdong and Jiangsu together make a fifth of China's GDP; one of them leads the demo consumption.
        Assert.Contains(data.TopRegion, new[] { "CN-GD", "CN-JS" });
    }
}
