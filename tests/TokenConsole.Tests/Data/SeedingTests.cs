using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Data;

public sealed class SeedingTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TokenConsoleDbContext Db() => factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContext();

    [Fact]
    public async Task Starting_again_on_a_seeded_database_changes_nothing()
    {
        var before = await CountsAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var seeded = await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(Ct);
            Assert.False(seeded);
        }
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    [Trait("Provider", "Sqlite")]
    public async Task The_database_runs_in_WAL_mode()
    {
        await using var db = Db();
        await db.Database.OpenConnectionAsync(Ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Reference_data_has_the_31_provinces_and_the_15_industries()
    {
        await using var db = Db();
        var regions = await db.Regions.ToListAsync(Ct);
        Assert.Equal(31, regions.Count);
        Assert.All(regions, r => Assert.Matches("^CN-[A-Z]{2}$", r.Code));
        Assert.Contains(regions, r => r.Code == "CN-GD" && r.NameZh == "广东");
        Assert.DoesNotContain(regions, r => r.Code is "CN-HK" or "CN-MO" or "CN-TW");
        var industries = await db.Industries.Select(i => i.Code).OrderBy(c => c).ToListAsync(Ct);
        Assert.Equal(["agriculture", "automotive", "consumer", "customer-service", "education", "energy", "finance", "government",
            "healthcare", "iot", "logistics", "manufacturing", "media", "office", "retail"], industries);
    }

    [Fact]
    public async Task Every_region_and_industry_has_usage()
    {
        await using var db = Db();
        var cells = await db.UsageRollups.Select(r => new { r.RegionCode, r.IndustryCode }).Distinct().CountAsync(Ct);
        Assert.Equal(31 * 15, cells);
    }

    [Fact]
    public async Task The_rollups_of_the_recent_hours_equal_the_sum_of_their_events()
    {
        await using var db = Db();
        var events = await db.UsageEvents.AsNoTracking().ToListAsync(Ct);
        Assert.NotEmpty(events);
        var firstHour = events.Min(e => e.Timestamp.UtcTicks - e.Timestamp.UtcTicks % TimeSpan.TicksPerHour);
        var fromEvents = events
            .GroupBy(e => (Hour: e.Timestamp.UtcTicks - e.Timestamp.UtcTicks % TimeSpan.TicksPerHour, e.RegionCode, e.IndustryCode, e.ModelId, e.PackageId, e.PoolId))
            .ToDictionary(g => g.Key, g => (Tokens: g.Sum(e => e.InputTokens + e.OutputTokens), Calls: (long)g.Count(), Revenue: g.Sum(e => e.RevenueMicros)));
        var from = new DateTime(firstHour, DateTimeKind.Utc);
        var rollups = await db.UsageRollups.AsNoTracking().Where(r => r.Hour >= from).ToListAsync(Ct);

        Assert.Equal(fromEvents.Count, rollups.Count);
        foreach (var rollup in rollups)
        {
            var expected = fromEvents[(rollup.Hour.Ticks, rollup.RegionCode, rollup.IndustryCode, rollup.ModelId, rollup.PackageId, rollup.PoolId)];
            Assert.Equal(expected.Tokens, rollup.InputTokens + rollup.OutputTokens);
            Assert.Equal(expected.Calls, rollup.Calls);
            Assert.Equal(expected.Revenue, rollup.RevenueMicros);
        }
    }

    [Fact]
    public async Task The_demo_catalog_is_consistent()
    {
        await using var db = Db();
        var pools = await db.Pools.ToDictionaryAsync(p => p.Id, Ct);
        var deployments = await db.Deployments.ToListAsync(Ct);
        var models = await db.Models.ToListAsync(Ct);
        Assert.Equal(12, models.Count);
        // The test host's own small data set, not the developer's database.
        Assert.Equal(500, await db.Customers.CountAsync(Ct));
        Assert.InRange(await db.Packages.CountAsync(Ct), 18, 24);
        // A pool is never allocated beyond its capacity (PRODUCT.md).
        Assert.All(deployments.GroupBy(d => d.PoolId), g => Assert.True(g.Sum(d => d.AllocatedTokensPerSecond) <= pools[g.Key].CapacityTokensPerSecond));
        // Every model on sale has a primary deployment on an online pool.
        Assert.All(models.Where(m => m.Status == ModelStatus.OnSale), m => Assert.Contains(deployments,
            d => d.ModelId == m.Id && d.Role == DeploymentRole.Primary && pools[d.PoolId].Status == PoolStatus.Online));
        // Every active package has a published version on sale, and costs more per token than the compute it entitles.
        var active = await db.Packages.Include(p => p.ActiveVersion!).ThenInclude(v => v.Entitlements).Where(p => p.Status == PackageStatus.Active).ToListAsync(Ct);
        Assert.NotEmpty(active);
        Assert.All(active, p => Assert.NotNull(p.ActiveVersion?.PublishedAt));
    }

    private async Task<(int, int, int, int, int, int, int, int)> CountsAsync()
    {
        await using var db = Db();
        return (await db.Regions.CountAsync(Ct), await db.Customers.CountAsync(Ct), await db.Subscriptions.CountAsync(Ct), await db.Packages.CountAsync(Ct),
            await db.UsageEvents.CountAsync(Ct), await db.UsageRollups.CountAsync(Ct), await db.Users.CountAsync(u => u.UserName != "lockme" && u.UserName != "disabled-user", Ct),
            await db.Deployments.CountAsync(Ct));
    }
}
