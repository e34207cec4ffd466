using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Data.Seeding;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;
using TokenConsole.Tests.Infrastructure;

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

/// <summary>
/// The billing side of the demo data as a fresh start leaves it (the console's own start-up seeding, on the test bed's
/// small data set): usage drawn through the buckets as the writer draws it, top-ups sold, threshold notifications with
/// their webhook messages, three months billed by the bill run, and credit notes through the credit-note policy.
/// </summary>
public sealed class DemoBillingDataTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TokenConsoleDbContext Db() => factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContext();

    [Fact]
    public async Task The_last_three_months_are_billed_by_finished_runs_and_each_total_is_the_sum_of_its_lines()
    {
        await using var db = Db();
        var last = BillMonth.Containing(DateTimeOffset.UtcNow).Previous;
        int[] months = [last.Previous.Previous.Period, last.Previous.Period, last.Period];
        Assert.Equal(months, await db.Bills.Select(b => b.Period).Distinct().OrderBy(p => p).ToListAsync(Ct));
        var runs = await db.BillRuns.AsNoTracking().ToListAsync(Ct);
        Assert.All(months, m => Assert.Contains(runs, r => r.Period == m && r.FinishedAt != null && r.BillsIssued > 0));

        var bills = await db.Bills.AsNoTracking().Include(b => b.Lines).ToListAsync(Ct);
        Assert.All(bills, b =>
        {
            Assert.NotEmpty(b.Lines);
            Assert.Equal(b.Lines.Sum(l => l.AmountFen), b.TotalFen);
            Assert.Equal(b.TotalFen, b.NetFen + b.TaxFen);
        });
        // Fees on every month's bills; usage beyond the buckets, top-ups and applied credit notes on some.
        Assert.All(months, m => Assert.Contains(bills, b => b.Period == m && b.Lines.Any(l => l.Kind == BillLineKind.Fee)));
        Assert.Contains(bills, b => b.Lines.Any(l => l.Kind == BillLineKind.Usage && l.AmountFen > 0));
        Assert.Contains(bills, b => b.Lines.Any(l => l.Kind == BillLineKind.TopUp && l.AmountFen > 0));
        Assert.Contains(bills, b => b.Lines.Any(l => l.Kind == BillLineKind.Credit && l.AmountFen < 0));
    }

    [Fact]
    public async Task Credit_notes_are_proposed_by_the_account_manager_and_the_large_one_waits_for_an_executive()
    {
        await using var db = Db();
        var am = await db.Users.Where(u => u.UserName == "am").Select(u => u.Id).SingleAsync(Ct);
        var notes = await db.CreditNotes.AsNoTracking().ToListAsync(Ct);
        Assert.All(notes, n => Assert.Equal(am, n.ProposedById));
        var threshold = factory.Services.GetRequiredService<CreditNoteService>().Threshold;
        var pending = Assert.Single(notes, n => n.Status == CreditNoteStatus.PendingApproval);
        Assert.True(pending.AmountFen > threshold * 100, $"{pending.AmountFen} fen is not above the threshold");
        Assert.Null(pending.DecidedById);
        // Those at or below the threshold were approved by policy: one waits for the next bill, the others are on a bill.
        Assert.All(notes.Where(n => n != pending), n => Assert.Equal(CreditNoteService.PolicyDecider, n.DecidedById));
        Assert.Contains(notes, n => n.Status == CreditNoteStatus.Approved && n.AppliedOnBillId == null);
        var applied = notes.Where(n => n.Status == CreditNoteStatus.Applied).ToList();
        Assert.NotEmpty(applied);
        Assert.All(applied, n => Assert.True(db.BillLines.Any(l => l.BillId == n.AppliedOnBillId && l.CreditNoteId == n.Id && l.AmountFen == -n.AmountFen)));
        // Approved credit notes are taken back out of recognized revenue.
        Assert.Equal(notes.Where(n => n.Status != CreditNoteStatus.PendingApproval).Sum(n => n.AmountFen) * 10_000,
            await db.RevenueDaily.SumAsync(r => r.CreditMicros, Ct));
    }

    [Fact]
    public async Task Usage_is_drawn_through_the_buckets_as_the_writer_draws_it()
    {
        await using var db = Db();
        var daily = await db.CustomerDailyUsage.AsNoTracking().ToListAsync(Ct);
        var versions = await db.PackageVersions.AsNoTracking().Include(v => v.Entitlements).ToDictionaryAsync(v => v.Id, Ct);
        var multiplier = (await db.Subscriptions.AsNoTracking().ToListAsync(Ct))
            .SelectMany(s => versions[s.PackageVersionId].Entitlements.Select(e => (s.CustomerId, e.ModelId, e.Multiplier)))
            .ToDictionary(m => (m.CustomerId, m.ModelId), m => m.Multiplier);
        // Every billable token (tokens × the entitlement multiplier) went into the buckets, beyond them at the overage
        // price, or beyond a stop-at-limit package's buckets as leakage; only the overage earns.
        Assert.All(daily, d =>
        {
            Assert.Equal(d.Tokens * multiplier[(d.CustomerId, d.ModelId)], d.BucketTokens + d.OverageTokens + d.LeakageTokens);
            Assert.Equal(d.OverageTokens > 0, d.RevenueMicros > 0);
            Assert.Equal(d.RevenueMicros, d.BaseRevenueMicros);
        });
        Assert.Contains(daily, d => d.BucketTokens > 0);
        Assert.Contains(daily, d => d.OverageTokens > 0);
        Assert.Contains(daily, d => d.LeakageTokens > 0);

        // What the buckets say was used is what the usage drew from them, customer by customer.
        var buckets = await db.AllowanceBuckets.AsNoTracking().ToListAsync(Ct);
        Assert.All(buckets, b => Assert.InRange(b.Used, 0, b.Included));
        var drawn = daily.GroupBy(d => d.CustomerId).ToDictionary(g => g.Key, g => g.Sum(d => d.BucketTokens));
        Assert.All(buckets.GroupBy(b => b.CustomerId), g => Assert.Equal(drawn.GetValueOrDefault(g.Key), g.Sum(b => b.Used)));
        // Overage only once the period's allowance and the top-ups valid then are used up.
        var exhausted = buckets.Where(b => b.Kind == BucketKind.Allowance && b.Used == b.Included).Select(b => b.CustomerId).ToHashSet();
        Assert.All(daily.Where(d => d.OverageTokens > 0 || d.LeakageTokens > 0), d => Assert.Contains(d.CustomerId, exhausted));
    }

    [Fact]
    public async Task Customers_are_under_near_and_at_their_limits_and_some_bought_top_ups()
    {
        await using var db = Db();
        var now = DateTimeOffset.UtcNow;
        var am = await db.Users.Where(u => u.UserName == "am").Select(u => u.Id).SingleAsync(Ct);
        var active = await db.Subscriptions.AsNoTracking().Where(s => s.Status == SubscriptionStatus.Active).Select(s => s.Id).ToListAsync(Ct);
        var current = await db.AllowanceBuckets.AsNoTracking().Where(b => b.Kind == BucketKind.Allowance).ToListAsync(Ct);
        current = [.. current.Where(b => b.ValidFrom <= now && now < b.ValidTo)];
        // Every active subscription shows its current period, as the customer page reads it.
        Assert.Equal(active.Order(), current.Select(b => b.SubscriptionId).Order());
        Assert.Contains(current, b => b.Used < 0.8m * b.Included);
        Assert.Contains(current, b => b.Used >= 0.8m * b.Included && b.Used < b.Included);
        Assert.Contains(current, b => b.Used == b.Included);

        // Stop-at-limit packages at their limit, with usage that still arrived counted as leakage.
        var stopping = await (from b in db.AllowanceBuckets
                              join s in db.Subscriptions on b.SubscriptionId equals s.Id
                              join v in db.PackageVersions on s.PackageVersionId equals v.Id
                              where v.WhenExhausted == ExhaustionPolicy.StopAtLimit && b.Kind == BucketKind.Allowance
                              select new { b.CustomerId, b.Included, b.Used }).ToListAsync(Ct);
        var leaking = await db.CustomerDailyUsage.Where(d => d.LeakageTokens > 0).Select(d => d.CustomerId).Distinct().ToListAsync(Ct);
        Assert.NotEmpty(leaking);
        Assert.All(leaking, c => Assert.Contains(stopping, b => b.CustomerId == c && b.Used == b.Included));

        var topUps = await db.AllowanceBuckets.AsNoTracking().Where(b => b.Kind == BucketKind.TopUp).ToListAsync(Ct);
        Assert.NotEmpty(topUps);
        Assert.All(topUps, t =>
        {
            Assert.Equal(am, t.SoldById);
            Assert.True(t.PriceFen > 0);
            Assert.NotNull(t.TopUpPackageVersionId);
        });
        Assert.Contains(topUps, t => t.Used > 0);
        // Each sale is in the audit log, by the account manager.
        Assert.Equal(topUps.Count, await db.AuditEntries.CountAsync(a => a.Action == Features.Admin.AuditActions.TopUpSold && a.ActorId == am, Ct));
        // Top-ups are recognized as revenue over their validity.
        Assert.True(await db.RevenueDaily.AnyAsync(r => r.TopUpMicros > 0, Ct));
    }

    [Fact]
    public async Task Threshold_notifications_have_their_webhook_messages()
    {
        await using var db = Db();
        var notifications = await db.CustomerNotifications.AsNoTracking().ToListAsync(Ct);
        Assert.Contains(notifications, n => n.Threshold == 80);
        Assert.Contains(notifications, n => n.Threshold == 100);
        Assert.All(notifications, n => Assert.True(n.Used >= n.Included * n.Threshold / 100m));
        var outbox = await db.Outbox.AsNoTracking().ToDictionaryAsync(m => m.IdempotencyKey, Ct);
        Assert.Equal(notifications.Count, outbox.Count);
        foreach (var n in notifications)
        {
            var message = outbox[$"threshold:{n.SubscriptionId}:{n.PeriodStart.UtcTicks}:{n.Threshold}"];
            using var payload = System.Text.Json.JsonDocument.Parse(message.Payload);
            Assert.Equal(n.Threshold, payload.RootElement.GetProperty("threshold").GetInt32());
            Assert.Equal(n.SubscriptionId, payload.RootElement.GetProperty("subscriptionId").GetInt32());
            // The older ones were delivered; those of the last day wait for the webhook (minutes apart: the seeding ran earlier).
            var dayAgo = DateTimeOffset.UtcNow.AddDays(-1);
            if (n.CreatedAt < dayAgo.AddMinutes(-10))
            {
                Assert.NotNull(message.DeliveredAt);
            }
            else if (n.CreatedAt > dayAgo.AddMinutes(10))
            {
                Assert.Null(message.DeliveredAt);
            }
        }
        Assert.Contains(outbox.Values, m => m.DeliveredAt is not null);
    }

    [Fact]
    public async Task Fees_of_every_active_subscription_are_recognized_through_yesterday()
    {
        await using var db = Db();
        var yesterday = BusinessCalendar.DayStartUtc(DateTime.UtcNow).AddDays(-1);
        var watermark = await db.JobWatermarks.AsNoTracking().SingleAsync(w => w.Job == FeeRecognizer.Job, Ct);
        Assert.True(watermark.Through >= yesterday);
        var active = await db.Subscriptions.Where(s => s.Status == SubscriptionStatus.Active).Select(s => s.CustomerId).Distinct().ToListAsync(Ct);
        var feesYesterday = await db.RevenueDaily.Where(r => r.Day == yesterday && r.FeeMicros > 0).Select(r => r.CustomerId).Distinct().ToListAsync(Ct);
        Assert.Equal(active.Order(), feesYesterday.Order());
    }

    [Fact]
    // SQLite only: its FTS5 table and trigger, and SQLite's query plan of the fee rows.
    [Trait("Provider", "Sqlite")]
    public async Task The_customer_index_of_the_fee_rows_is_back_after_the_seeding_built_it_last()
    {
        await using var db = Db();
        var index = await db.Database.SqlQueryRaw<string>(
            "SELECT sql AS Value FROM sqlite_master WHERE type = 'index' AND name = 'IX_RevenueDaily_CustomerId_Day'").SingleOrDefaultAsync(Ct);
        Assert.Equal("CREATE INDEX \"IX_RevenueDaily_CustomerId_Day\" ON \"RevenueDaily\" (\"CustomerId\", \"Day\")", index);
        await db.Database.OpenConnectionAsync(Ct);
        var plan = await QueryPlanTests.PlanAsync((SqliteConnection)db.Database.GetDbConnection(), "SELECT * FROM RevenueDaily WHERE CustomerId = 1 AND Day >= 0", []);
        Assert.Contains(plan, p => p.Contains("IX_RevenueDaily_CustomerId_Day", StringComparison.Ordinal));
    }

    [Fact]
    // SQLite only: its FTS5 table and trigger, and SQLite's query plan of the fee rows.
    [Trait("Provider", "Sqlite")]
    public async Task The_customer_search_finds_every_seeded_customer_and_keeps_its_trigger_after_the_seeding_built_it_last()
    {
        await using var db = Db();
        var customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.NameZh }).ToListAsync(Ct);
        Assert.Equal(customers.Count, await db.Database.SqlQueryRaw<int>("SELECT count(*) AS Value FROM CustomerSearch").SingleAsync(Ct));
        // A fragment of a Chinese name finds exactly the customers whose name contains it, as a scan of the table does.
        var fragment = customers[^1].NameZh[2..5];
        var search = new SqliteCustomerSearch();
        var found = await search.Matching(db, fragment).ToListAsync(Ct);
        Assert.Equal(customers.Where(c => c.NameZh.Contains(fragment, StringComparison.Ordinal)).Select(c => c.Id).Take(ICustomerSearch.MaxMatches + 1), found.Order());
        // The insert trigger is back: a customer added after the seeding is found.
        var trigger = await db.Database.SqlQueryRaw<string>(
            "SELECT sql AS Value FROM sqlite_master WHERE type = 'trigger' AND name = 'Customers_Search_Insert'").SingleOrDefaultAsync(Ct);
        Assert.NotNull(trigger);
        Assert.Contains("AFTER INSERT ON \"Customers\"", trigger, StringComparison.Ordinal);
    }
}
