using Microsoft.EntityFrameworkCore;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Data;
using TokenConsole.Features.Usage;
using static TokenConsole.Tests.Billing.FeeTestData;

namespace TokenConsole.Tests.Billing;

public sealed class FeeRecognizerTests : IDisposable
{
    private const long Fen = 10_000; // µ¥ per fen
    private readonly FeeTestData _data = new();

    public void Dispose() => _data.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upgrade_mid_period_charges_the_old_package_through_the_day_before_and_the_new_one_from_the_upgrade_day()
    {
        await _data.SeedCustomersAsync(Token);
        var basic = await _data.AddPackageAsync(1, "BASIC", 300m, cancellationToken: Token);
        var pro = await _data.AddPackageAsync(2, "PRO", 620m, cancellationToken: Token);
        // Subscribed 1 Nov (a 30-day period); upgraded 11 Nov 10:00 Beijing: the new term counts its periods from 11 Nov.
        var upgradedAt = At(2026, 11, 11, 10);
        await _data.AddSubscriptionAsync(1, 2, [(basic, At(2026, 11, 1), upgradedAt, Day(2026, 11, 1)), (pro, upgradedAt, null, Day(2026, 11, 11))], cancellationToken: Token);

        await _data.Recognizer().RecognizeThroughAsync(Day(2026, 11, 30), Token);

        var rows = _data.Revenue();
        var basicRows = rows.Where(r => r.PackageId == 1).ToList();
        var proRows = rows.Where(r => r.PackageId == 2).ToList();
        // ¥300 over 30 days = 1,000 fen a day, 1–10 Nov; the old package's 20 unused days are not charged (the proration credit).
        Assert.Equal(10, basicRows.Count);
        Assert.Equal(Day(2026, 11, 10), basicRows.Max(r => r.Day));
        Assert.All(basicRows, r => Assert.Equal(1_000 * Fen, r.FeeMicros));
        // ¥620 over 11 Nov – 10 Dec (30 days): 20 days of it in November, ⌊20 × 62,000 / 30⌋ = 41,333 fen.
        Assert.Equal(Day(2026, 11, 11), proRows.Min(r => r.Day));
        Assert.Equal(20, proRows.Count);
        Assert.Equal(41_333 * Fen, proRows.Sum(r => r.FeeMicros));
        Assert.All(rows, r => Assert.Equal(("CN-GD", "finance"), (r.RegionCode, r.IndustryCode)));
    }

    [Fact]
    public async Task A_31_day_and_a_28_day_period_each_recognize_exactly_the_fee()
    {
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 310m, cancellationToken: Token);
        await _data.AddSubscriptionAsync(1, 1, [(monthly, At(2026, 1, 1), null, Day(2026, 1, 1))], cancellationToken: Token);

        await _data.Recognizer().RecognizeThroughAsync(Day(2026, 2, 28), Token);

        var rows = _data.Revenue();
        var january = rows.Where(r => r.Day < Day(2026, 2, 1)).ToList();
        var february = rows.Where(r => r.Day >= Day(2026, 2, 1)).ToList();
        Assert.Equal(31, january.Count);
        Assert.All(january, r => Assert.Equal(1_000 * Fen, r.FeeMicros));   // 31,000 fen ÷ 31 days
        Assert.Equal(28, february.Count);
        Assert.Equal(31_000 * Fen, february.Sum(r => r.FeeMicros));         // 31,000 fen ÷ 28 days, to the fen
        Assert.All(february, r => Assert.InRange(r.FeeMicros, 1_107 * Fen, 1_108 * Fen));
        Assert.All(rows, r => Assert.Equal(0, r.FeeMicros % Fen));
    }

    [Fact]
    public async Task A_top_up_is_spread_over_its_7_days_from_its_sale_day()
    {
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 0m, cancellationToken: Token);
        var pack = await _data.AddPackageAsync(9, "TOPUP-7", 10m, BillingPeriod.OneOff, 7, PackageKind.TopUp, cancellationToken: Token);
        var subscription = await _data.AddSubscriptionAsync(2, 1, [(monthly, At(2026, 11, 1), null, Day(2026, 11, 1))], cancellationToken: Token);
        await _data.AddTopUpAsync(subscription, 2, 9, pack, At(2026, 11, 5, 15), 7, 1_000, Token);

        await _data.Recognizer().RecognizeThroughAsync(Day(2026, 11, 30), Token);

        var rows = _data.Revenue().Where(r => r.PackageId == 9).ToList();
        Assert.Equal([.. Enumerable.Range(5, 7).Select(d => Day(2026, 11, d))], rows.Select(r => r.Day));
        Assert.Equal(1_000 * Fen, rows.Sum(r => r.TopUpMicros));
        Assert.Equal([142 * Fen, 143 * Fen, 143 * Fen, 143 * Fen, 143 * Fen, 143 * Fen, 143 * Fen], rows.Select(r => r.TopUpMicros));
        Assert.All(rows, r => Assert.Equal(0, r.FeeMicros));
        Assert.All(rows, r => Assert.Equal(("CN-BJ", "retail"), (r.RegionCode, r.IndustryCode)));
    }

    [Fact]
    public async Task Running_twice_recognizes_each_day_once_and_a_later_run_goes_on_from_the_watermark()
    {
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 300m, cancellationToken: Token);
        await _data.AddSubscriptionAsync(1, 1, [(monthly, At(2026, 11, 1), null, Day(2026, 11, 1))], cancellationToken: Token);
        var recognizer = _data.Recognizer();

        Assert.Equal(10, await recognizer.RecognizeThroughAsync(Day(2026, 11, 10), Token));
        Assert.Equal(0, await recognizer.RecognizeThroughAsync(Day(2026, 11, 10), Token));
        Assert.Equal(0, await _data.Recognizer().RecognizeThroughAsync(Day(2026, 11, 5), Token));
        Assert.Equal(5, await recognizer.RecognizeThroughAsync(Day(2026, 11, 15).AddHours(13), Token)); // any instant of the day

        var rows = _data.Revenue();
        Assert.Equal(15, rows.Count);
        Assert.Equal(15_000 * Fen, rows.Sum(r => r.FeeMicros));
        await using var db = _data.Database.CreateDbContext();
        Assert.Equal(Day(2026, 11, 15), (await db.JobWatermarks.SingleAsync(w => w.Job == FeeRecognizer.Job, Token)).Through);
        Assert.Equal(15_000 * Fen, await db.RegionIndustryDaily.SumAsync(c => c.FeeMicros, Token));
    }

    [Fact]
    public async Task A_stretch_of_days_that_fails_midway_leaves_none_of_it_behind_and_the_next_run_recognizes_each_day_once()
    {
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 300m, cancellationToken: Token);
        await _data.AddSubscriptionAsync(1, 1, [(monthly, At(2026, 11, 1), null, Day(2026, 11, 1))], cancellationToken: Token);
        await _data.AddSubscriptionAsync(2, 1, [(monthly, At(2026, 11, 1), null, Day(2026, 11, 1))], cancellationToken: Token);
        await using (var db = _data.Database.CreateDbContext())
        {
            // 1–5 Nov are in; then 6–10 Nov go in one transaction: its customer rows are written, then the region × industry
            // upsert of 6 Nov fails — as a kill would, midway.
            await Infrastructure.FailingInsert.CreateAsync(db, "fail_day", "RegionIndustryDaily",
                "NEW.\"Day\" = " + Day(2026, 11, 6).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), "disk gone");
        }

        Assert.Equal(5, await _data.Recognizer().RecognizeThroughAsync(Day(2026, 11, 5), Token));
        await Assert.ThrowsAnyAsync<Exception>(() => _data.Recognizer().RecognizeThroughAsync(Day(2026, 11, 10), Token));

        Assert.Equal(Day(2026, 11, 5), _data.Revenue().Max(r => r.Day));
        await using (var db = _data.Database.CreateDbContext())
        {
            Assert.Equal(Day(2026, 11, 5), (await db.JobWatermarks.SingleAsync(Token)).Through);
            await Infrastructure.FailingInsert.DropAsync(db, "fail_day", "RegionIndustryDaily");
        }

        await _data.Recognizer().RecognizeThroughAsync(Day(2026, 11, 10), Token);

        var rows = _data.Revenue();
        Assert.Equal(20, rows.Count); // 10 days × 2 customers, none twice
        Assert.All(rows.GroupBy(r => (r.Day, r.CustomerId)), g => Assert.Single(g));
        await using var check = _data.Database.CreateDbContext();
        Assert.Equal(rows.Sum(r => r.FeeMicros), await check.RegionIndustryDaily.SumAsync(c => c.FeeMicros, Token));
        // The report's package rows hold the same fees per day and package, under model 0 (a fee buys no model), none twice.
        var packages = await check.PackageModelDaily.AsNoTracking().ToListAsync(Token);
        Assert.All(packages, p => Assert.Equal(0, p.ModelId));
        Assert.Equal(rows.GroupBy(r => (r.Day, r.PackageId)).ToDictionary(g => g.Key, g => g.Sum(r => r.FeeMicros)),
            packages.ToDictionary(p => (p.Day, p.PackageId), p => p.FeeMicros));
        // And the customer months the same per month and customer.
        Assert.Equal(rows.GroupBy(r => (BusinessCalendar.MonthStartUtc(r.Day), r.CustomerId)).ToDictionary(g => g.Key, g => g.Sum(r => r.FeeMicros)),
            await check.CustomerMonthly.ToDictionaryAsync(m => (m.Month, m.CustomerId), m => m.FeeMicros, Token));
        Assert.Equal(rows.GroupBy(r => (BusinessCalendar.MonthStartUtc(r.Day), r.RegionCode, r.IndustryCode)).ToDictionary(g => g.Key, g => g.Sum(r => r.FeeMicros)),
            await check.RegionIndustryMonthly.ToDictionaryAsync(m => (m.Month, m.RegionCode, m.IndustryCode), m => m.FeeMicros, Token));
    }

    [Fact]
    public async Task A_catch_up_of_two_transactions_that_fails_in_the_second_keeps_the_first_whole_and_the_next_run_adds_only_the_rest()
    {
        // 59 days: 1–31 Jan go in one transaction (a month of days at most), 1–28 Feb in the next, whose rows were
        // computed while the first was written. The second fails midway, as a kill would.
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 310m, cancellationToken: Token);
        await _data.AddSubscriptionAsync(1, 1, [(monthly, At(2026, 1, 1), null, Day(2026, 1, 1))], cancellationToken: Token);
        await using (var db = _data.Database.CreateDbContext())
        {
            await Infrastructure.FailingInsert.CreateAsync(db, "fail_day", "RegionIndustryDaily",
                "NEW.\"Day\" = " + Day(2026, 2, 10).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), "disk gone");
        }

        await Assert.ThrowsAnyAsync<Exception>(() => _data.Recognizer().RecognizeThroughAsync(Day(2026, 2, 28), Token));

        Assert.Equal(Day(2026, 1, 31), _data.Revenue().Max(r => r.Day));
        Assert.Equal(31, _data.Revenue().Count);
        await using (var db = _data.Database.CreateDbContext())
        {
            Assert.Equal(Day(2026, 1, 31), (await db.JobWatermarks.SingleAsync(Token)).Through);
            await Infrastructure.FailingInsert.DropAsync(db, "fail_day", "RegionIndustryDaily");
        }

        Assert.Equal(28, await _data.Recognizer().RecognizeThroughAsync(Day(2026, 2, 28), Token));

        var rows = _data.Revenue();
        Assert.Equal(59, rows.Count);
        Assert.All(rows.GroupBy(r => r.Day), g => Assert.Single(g));
        Assert.Equal(62_000 * Fen, rows.Sum(r => r.FeeMicros));
        await using var check = _data.Database.CreateDbContext();
        Assert.Equal(62_000 * Fen, await check.RegionIndustryDaily.SumAsync(c => c.FeeMicros, Token));
        Assert.Equal(62_000 * Fen, await check.CustomerMonthly.SumAsync(c => c.FeeMicros, Token));
    }

    [Fact]
    public async Task Hundreds_of_customers_a_day_each_get_exactly_their_fee_in_every_rollup()
    {
        // 230 customers × 30 days = 6,900 rows in one transaction, through the prepared upserts.
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 299.99m, cancellationToken: Token);
        await using (var db = _data.Database.CreateDbContext())
        {
            for (var id = 3; id <= 230; id++)
            {
                db.Customers.Add(new Customer { Id = id, Code = $"C{id}", Name = $"Customer {id}", NameZh = $"客户{id}", Segment = CustomerSegment.Sme,
                    IndustryCode = id % 2 == 0 ? "finance" : "retail", RegionCode = id % 2 == 0 ? "CN-GD" : "CN-BJ" });
            }
            await db.SaveChangesAsync(Token);
        }
        for (var customer = 1; customer <= 230; customer++)
        {
            await _data.AddSubscriptionAsync(customer, 1, [(monthly, At(2026, 11, 1), null, Day(2026, 11, 1))], cancellationToken: Token);
        }

        Assert.Equal(30, await _data.Recognizer().RecognizeThroughAsync(Day(2026, 11, 30), Token));

        var rows = _data.Revenue();
        Assert.Equal(230 * 30, rows.Count);
        // ¥299.99 over 30 days: 999 or 1,000 fen a day, exactly 29,999 fen in the month for every customer.
        Assert.All(rows.GroupBy(r => r.CustomerId), g => Assert.Equal(29_999 * Fen, g.Sum(r => r.FeeMicros)));
        await using var check = _data.Database.CreateDbContext();
        Assert.Equal(230 * 29_999 * Fen, await check.RegionIndustryDaily.SumAsync(c => c.FeeMicros, Token));
        Assert.Equal(2 * 30, await check.RegionIndustryDaily.CountAsync(Token));
    }

    [Fact]
    public async Task A_cancelled_subscription_stops_after_its_last_term_and_a_suspended_one_keeps_paying()
    {
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 300m, cancellationToken: Token);
        // Cancelled at the end of its period 1–30 Nov; the other suspended since 10 Nov.
        await _data.AddSubscriptionAsync(1, 1, [(monthly, At(2026, 11, 1), At(2026, 12, 1), Day(2026, 11, 1))], TokenConsole.Data.SubscriptionStatus.Cancelled, Token);
        await _data.AddSubscriptionAsync(2, 1, [(monthly, At(2026, 11, 1), null, Day(2026, 11, 1))], TokenConsole.Data.SubscriptionStatus.Suspended, Token);

        await _data.Recognizer().RecognizeThroughAsync(Day(2026, 12, 10), Token);

        var rows = _data.Revenue();
        var cancelled = rows.Where(r => r.CustomerId == 1).ToList();
        Assert.Equal(Day(2026, 11, 30), cancelled.Max(r => r.Day));
        Assert.Equal(30_000 * Fen, cancelled.Sum(r => r.FeeMicros));
        Assert.Equal(Day(2026, 12, 10), rows.Where(r => r.CustomerId == 2).Max(r => r.Day));
        Assert.Equal(40, rows.Count(r => r.CustomerId == 2));
    }

    [Fact]
    public async Task Fees_are_added_to_the_region_industry_cell_beside_its_usage_charges()
    {
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 300m, cancellationToken: Token);
        await _data.AddSubscriptionAsync(1, 1, [(monthly, At(2026, 11, 1), null, Day(2026, 11, 1))], cancellationToken: Token);
        await using (var db = _data.Database.CreateDbContext())
        {
            db.RegionIndustryDaily.Add(new RegionIndustryDaily { RegionCode = "CN-GD", IndustryCode = "finance", Day = Day(2026, 11, 2), Tokens = 5, Calls = 1, RevenueMicros = 777, ComputeCostMicros = 3 });
            await db.SaveChangesAsync(Token);
        }

        await _data.Recognizer().RecognizeThroughAsync(Day(2026, 11, 3), Token);

        await using var check = _data.Database.CreateDbContext();
        var cell = await check.RegionIndustryDaily.SingleAsync(c => c.Day == Day(2026, 11, 2), Token);
        Assert.Equal((5L, 777L, 1_000 * Fen), (cell.Tokens, cell.RevenueMicros, cell.FeeMicros));
        Assert.Equal(1_000 * Fen + 777, cell.TotalRevenueMicros);
        Assert.Equal(3, await check.RegionIndustryDaily.CountAsync(Token));
    }

    [Fact]
    public async Task Starting_the_service_catches_up_through_yesterday_before_the_host_serves()
    {
        await _data.SeedCustomersAsync(Token);
        var monthly = await _data.AddPackageAsync(1, "M", 300m, cancellationToken: Token);
        await _data.AddSubscriptionAsync(1, 1, [(monthly, At(2026, 11, 1), null, Day(2026, 11, 1))], cancellationToken: Token);
        var recognizer = _data.Recognizer(); // it is 2 Dec 12:00 Beijing

        await recognizer.StartAsync(Token);
        var rows = _data.Revenue();
        await recognizer.StopAsync(Token);

        Assert.Equal(Day(2026, 12, 1), rows.Max(r => r.Day));
        Assert.Equal(31, rows.Count);
    }
}
