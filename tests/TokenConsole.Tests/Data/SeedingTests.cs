using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
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
    public async Task The_demo_usage_draws_on_buckets_and_the_billing_side_exists()
    {
        await using var db = Db();
        var am = await db.Users.Where(u => u.UserName == "am").Select(u => u.Id).SingleAsync(Ct);
        var business = await db.Customers.AsNoTracking().Where(c => c.Segment != CustomerSegment.Personal).ToListAsync(Ct);
        Assert.NotEmpty(business);
        Assert.All(business, c => Assert.Equal(am, c.AccountManagerId));
        Assert.Empty(await db.Customers.Where(c => c.Segment == CustomerSegment.Personal && c.AccountManagerId != null).ToListAsync(Ct));

        // Every business customer's usage opened allowance buckets; some used 80 % and more, some are past their allowance.
        var buckets = await db.AllowanceBuckets.AsNoTracking().ToListAsync(Ct);
        var withAllowance = buckets.Where(b => b.Kind == BucketKind.Allowance).Select(b => b.CustomerId).ToHashSet();
        Assert.All(business, c => Assert.Contains(c.Id, withAllowance));
        Assert.All(buckets, b => Assert.InRange(b.Used, 0, b.Included));
        Assert.Contains(buckets, b => b.Kind == BucketKind.Allowance && b.Used >= 0.8m * b.Included);
        var current = buckets.Where(b => b.Kind == BucketKind.Allowance && b.ValidTo > DateTimeOffset.UtcNow).ToList();
        Assert.True(current.Count(b => b.Used < 0.8m * b.Included) > current.Count / 2, "most customers are well within their allowance");
        // (No rollover bucket yet: the packages that roll over are annual, and 90 days of usage stay in their first period.)
        Assert.DoesNotContain(buckets, b => b.Kind == BucketKind.Rollover);
        Assert.Contains(buckets, b => b.Kind == BucketKind.TopUp && b.SoldById == am && b.PriceFen > 0 && b.Used > 0);
        var notifications = await db.CustomerNotifications.AsNoTracking().ToListAsync(Ct);
        Assert.Contains(notifications, n => n.Threshold == 80);
        Assert.Contains(notifications, n => n.Threshold == 100);
        Assert.Empty(await db.Outbox.ToListAsync(Ct));

        // Usage charges only beyond the buckets: pay-as-you-go overage earns, stop-at-limit leaks.
        var daily = await db.CustomerDailyUsage.AsNoTracking().ToListAsync(Ct);
        Assert.Contains(daily, d => d.LeakageTokens > 0);
        Assert.Contains(daily, d => d.OverageTokens > 0 && d.RevenueMicros > 0 && d.RevenueMicros == d.BaseRevenueMicros);
        Assert.All(daily.Where(d => d.OverageTokens == 0), d => Assert.Equal(0, d.RevenueMicros));
        Assert.Contains(daily, d => d.BucketTokens > 0);

        // Fees recognized, the three last full months billed by finished runs, credit notes (one waiting for the executive).
        Assert.True(await db.RevenueDaily.AnyAsync(r => r.FeeMicros > 0, Ct));
        var periods = await db.Bills.Select(b => b.Period).Distinct().OrderBy(p => p).ToListAsync(Ct);
        var last = BillMonth.Containing(DateTimeOffset.UtcNow).Previous;
        Assert.Equal([last.Previous.Previous.Period, last.Previous.Period, last.Period], periods);
        var runs = await db.BillRuns.AsNoTracking().ToListAsync(Ct);
        Assert.All(periods, p => Assert.Contains(runs, r => r.Period == p && r.FinishedAt != null));
        var notes = await db.CreditNotes.AsNoTracking().ToListAsync(Ct);
        Assert.Contains(notes, n => n.Status == CreditNoteStatus.PendingApproval && n.AmountFen > 100_000 && n.ProposedById == am);
        Assert.True(notes.Count(n => n.Status is CreditNoteStatus.Approved or CreditNoteStatus.Applied) >= 2);
        Assert.Contains(notes, n => n.Status == CreditNoteStatus.Applied);

        // Day passes past their day are expired already: the clock's first round has nothing to do.
        var oneOff = await db.Subscriptions.AsNoTracking().Include(s => s.Terms)
            .Where(s => db.PackageVersions.Any(v => v.Id == s.PackageVersionId && v.BillingPeriod == BillingPeriod.OneOff)).ToListAsync(Ct);
        Assert.All(oneOff.Where(s => s.StartsAt < DateTimeOffset.UtcNow.AddDays(-2)), s =>
        {
            Assert.Equal(SubscriptionStatus.Expired, s.Status);
            Assert.NotNull(s.Terms.Single().To);
        });
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
