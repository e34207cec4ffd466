using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Usage;

/// <summary>
/// Issue 13: a hand-worked set through the real usage writer on a SQLite file. Each package includes 1,000,000 billable
/// tokens a month and charges ¥5 per million beyond (5 µ¥ a token) unless said otherwise; the premium model counts × 1.5.
/// </summary>
public sealed class BucketWriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset FirstPeriod = new(2026, 10, 14, 16, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Nov20 = BucketTestBed.Now.AddHours(-1);

    [Fact]
    public async Task Usage_draws_the_rollover_then_the_allowance_and_beyond_them_pays_the_overage_price_on_multiplied_tokens()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("ROLL", 1_000_000, rolloverPercent: 50));
        var writer = await bed.StartWriterAsync();

        await BucketTestBed.WriteAsync(writer, bed.Event(s, "oct", FirstPeriod.AddDays(10), 600_000));
        // The new period carries the unused 400,000 (under the 50 % cap of 500,000) as a rollover bucket, drawn first.
        await BucketTestBed.WriteAsync(writer, bed.Event(s, "nov-a", Nov20, 500_000));
        // 1,000,000 premium tokens = 1,500,000 billable: 900,000 left in the allowance, 600,000 beyond at ¥5/M = ¥3.
        await BucketTestBed.WriteAsync(writer, bed.Event(s, "nov-b", Nov20, 1_000_000, premium: true));

        var october = await bed.BucketAsync(s, BucketKind.Allowance, FirstPeriod);
        Assert.Equal((1_000_000m, 600_000m), (october.Included, october.Used));
        var rollover = await bed.BucketAsync(s, BucketKind.Rollover, BucketTestBed.SecondPeriod);
        Assert.Equal((400_000m, 400_000m), (rollover.Included, rollover.Used));
        var november = await bed.BucketAsync(s, BucketKind.Allowance, BucketTestBed.SecondPeriod);
        Assert.Equal((1_000_000m, 1_000_000m), (november.Included, november.Used));
        Assert.Equal(BucketTestBed.SecondPeriod, november.ValidFrom);
        Assert.Equal(new DateTimeOffset(2026, 12, 14, 16, 0, 0, TimeSpan.Zero), november.ValidTo);

        var revenue = await bed.RevenueByEventAsync();
        Assert.Equal((0L, 0L, 3_000_000L), (revenue["oct"], revenue["nov-a"], revenue["nov-b"]));
        var day = (await bed.DailyAsync(s)).Single(d => d.Day == BusinessCalendar.DayStartUtc(Nov20.UtcDateTime) && d.ModelId == bed.PremiumModel);
        Assert.Equal((900_000m, 600_000m, 0m), (day.BucketTokens, day.OverageTokens, day.LeakageTokens));
        Assert.Equal((3_000_000L, 3_000_000L), (day.RevenueMicros, day.BaseRevenueMicros));
    }

    [Fact]
    public async Task An_event_one_tick_before_the_anniversary_draws_on_the_old_period_and_one_at_it_on_the_new()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("PAYG", 1_000_000));
        var writer = await bed.StartWriterAsync();

        await BucketTestBed.WriteAsync(writer, bed.Event(s, "last-tick", BucketTestBed.SecondPeriod.AddTicks(-1), 1_000_000));
        await BucketTestBed.WriteAsync(writer, bed.Event(s, "first-tick", BucketTestBed.SecondPeriod, 300_000));

        Assert.Equal(1_000_000m, (await bed.BucketAsync(s, BucketKind.Allowance, FirstPeriod)).Used);
        Assert.Equal(300_000m, (await bed.BucketAsync(s, BucketKind.Allowance, BucketTestBed.SecondPeriod)).Used);
        // Had the second event fallen in the full first period it would have cost 300,000 × 5 µ¥.
        Assert.Equal(0, (await bed.RevenueByEventAsync())["first-tick"]);
    }

    [Fact]
    public async Task An_upgrade_on_the_anniversary_day_gives_the_days_period_the_new_allowance_and_late_usage_of_the_old_package_still_draws_on_it()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("SMALL", 1_000_000));
        var big = await bed.PackageAsync("BIG", 5_000_000);
        var writer = await bed.StartWriterAsync();
        await BucketTestBed.WriteAsync(writer, bed.Event(s, "before", BucketTestBed.SecondPeriod.AddHours(1), 100_000));

        // Upgraded at 02:00 Beijing on the anniversary: the new term's first period starts at the same midnight.
        var at = BucketTestBed.SecondPeriod.AddHours(2);
        await using (var db = bed.Database.CreateDbContext())
        {
            var subscription = await db.Subscriptions.Include(x => x.Terms).SingleAsync(x => x.Id == s.SubscriptionId, Ct);
            subscription.Terms[0].To = at;
            subscription.Terms.Add(new SubscriptionTerm { PackageVersionId = big.VersionId, From = at, Anchor = BusinessCalendar.DayStartUtc(at.UtcDateTime) });
            (subscription.PackageId, subscription.PackageVersionId) = big;
            await db.SaveChangesAsync(Ct);
        }
        await writer.OnChangedAsync(new ReferenceDataChange(ReferenceDataKind.Subscription), Ct);
        var upgraded = s with { PackageId = big.PackageId, VersionId = big.VersionId };
        await BucketTestBed.WriteAsync(writer, bed.Event(upgraded, "after", at.AddHours(1), 2_000_000));
        // An event of the old package from before the upgrade, arriving late.
        await BucketTestBed.WriteAsync(writer, bed.Event(s, "late", BucketTestBed.SecondPeriod.AddHours(1.5), 50_000));

        var allowance = await bed.BucketAsync(s, BucketKind.Allowance, BucketTestBed.SecondPeriod);
        Assert.Equal((5_000_000m, 2_150_000m), (allowance.Included, allowance.Used));
        Assert.All(await bed.RevenueByEventAsync(), e => Assert.Equal(0, e.Value));
    }

    [Fact]
    public async Task Top_ups_are_drawn_after_the_allowance_by_earliest_expiry_and_beyond_a_stop_at_limit_package_usage_is_leakage_at_zero()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("STOP", 1_000_000, whenExhausted: ExhaustionPolicy.StopAtLimit));
        var pack = await bed.PackageAsync("PACK", 200_000, kind: PackageKind.TopUp);
        var writer = await bed.StartWriterAsync();
        // Sold after the writer loaded its buckets: the subscription change it is told of brings them in.
        var expired = await bed.TopUpAsync(s, pack, 1_000_000, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 18, 0, 0, 0, TimeSpan.Zero));
        var later = await bed.TopUpAsync(s, pack, 200_000, new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 10, 0, 0, 0, TimeSpan.Zero));
        // Sold a minute after the other (a top-up's period start is its sale instant, unique per subscription), expiring sooner.
        var sooner = await bed.TopUpAsync(s, pack, 300_000, new DateTimeOffset(2026, 11, 16, 0, 1, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        await writer.OnChangedAsync(new ReferenceDataChange(ReferenceDataKind.Subscription), Ct);

        await BucketTestBed.WriteAsync(writer, bed.Event(s, "a", Nov20, 1_200_000));
        var afterFirst = await bed.BucketsAsync(s);
        Assert.Equal((0m, 0m, 200_000m), (afterFirst.Single(b => b.Id == expired).Used, afterFirst.Single(b => b.Id == later).Used, afterFirst.Single(b => b.Id == sooner).Used));
        // 100,000 left in the sooner top-up, 200,000 in the later one, then 100,000 beyond every bucket: leakage.
        await BucketTestBed.WriteAsync(writer, bed.Event(s, "b", Nov20, 400_000));

        var buckets = await bed.BucketsAsync(s);
        Assert.Equal(1_000_000m, buckets.Single(b => b.Kind == BucketKind.Allowance).Used);
        Assert.Equal((0m, 200_000m, 300_000m), (buckets.Single(b => b.Id == expired).Used, buckets.Single(b => b.Id == later).Used, buckets.Single(b => b.Id == sooner).Used));
        var day = Assert.Single(await bed.DailyAsync(s));
        Assert.Equal((1_500_000m, 0m, 100_000m), (day.BucketTokens, day.OverageTokens, day.LeakageTokens));
        Assert.Equal((0L, 0L), (day.RevenueMicros, day.BaseRevenueMicros));
    }

    [Fact]
    public async Task A_fractional_multiplier_is_exact_in_the_buckets_and_the_overage_is_rounded_once_to_the_micro_yuan()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("FRAC", 1_000_000, overage: 2.5m, premiumMultiplier: 1.234567m));
        var writer = await bed.StartWriterAsync();

        // 1,000,001 × 1.234567 = 1,234,568.234567 billable: 1,000,000 in the allowance, 234,568.234567 beyond at 2.5 µ¥ = 586,420.5864175 µ¥.
        await BucketTestBed.WriteAsync(writer, bed.Event(s, "frac", Nov20, 1_000_001, premium: true));

        Assert.Equal(1_000_000m, (await bed.BucketAsync(s, BucketKind.Allowance, BucketTestBed.SecondPeriod)).Used);
        Assert.Equal(586_421, (await bed.RevenueByEventAsync())["frac"]);
        var day = Assert.Single(await bed.DailyAsync(s));
        Assert.Equal((1_000_000m, 234_568.234567m), (day.BucketTokens, day.OverageTokens));
        Assert.Equal(586_421, day.BaseRevenueMicros);
    }

    [Fact]
    public async Task A_duplicate_event_debits_nothing_in_a_retried_batch_or_within_one()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("DUP", 1_000_000));
        var writer = await bed.StartWriterAsync();
        var events = new[] { bed.Event(s, "d1", Nov20, 100_000), bed.Event(s, "d2", Nov20, 200_000) };

        Assert.Equal(new(2, 0), await BucketTestBed.WriteAsync(writer, events));
        Assert.Equal(new(0, 2), await BucketTestBed.WriteAsync(writer, events));
        Assert.Equal(new(1, 1), await BucketTestBed.WriteAsync(writer, bed.Event(s, "d3", Nov20, 50_000), bed.Event(s, "d3", Nov20, 50_000)));
        // A writer started afresh (a restart) reads the buckets back and still takes nothing twice.
        var restarted = await bed.StartWriterAsync();
        Assert.Equal(new(0, 3), await BucketTestBed.WriteAsync(restarted, [.. events, bed.Event(s, "d3", Nov20, 50_000)]));

        Assert.Equal(350_000m, (await bed.BucketAsync(s, BucketKind.Allowance, BucketTestBed.SecondPeriod)).Used);
        Assert.Equal(350_000m, Assert.Single(await bed.DailyAsync(s)).BucketTokens);
    }

    [Fact]
    public async Task A_batch_that_fails_after_drawing_on_the_buckets_debits_nothing_and_its_retry_debits_once()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("FAIL", 1_000_000));
        await using (var db = bed.Database.CreateDbContext())
        {
            // The third event of the batch fails its insert (into its day's table; on PostgreSQL into the partitioned
            // table): the first two have drawn on the buckets in memory by then.
            var day = UsageEventTables.DayOf(Nov20.UtcTicks);
            var table = UsageEventTables.View;
            if (db.Database.IsSqlite())
            {
                await db.Database.OpenConnectionAsync(Ct);
                UsageEventTables.EnsureDay(db.Database.GetDbConnection(), null, day);
                table = UsageEventTables.TableOf(day);
            }
            await Infrastructure.FailingInsert.CreateAsync(db, "fail_boom", table, "NEW.\"EventId\" = 'boom'", "boom");
        }
        var writer = await bed.StartWriterAsync();
        var good = new[] { bed.Event(s, "f1", Nov20, 300_000), bed.Event(s, "f2", Nov20, 400_000) };

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => BucketTestBed.WriteAsync(writer, [.. good, bed.Event(s, "boom", Nov20, 1)]));
        Assert.Empty(await bed.BucketsAsync(s));
        // The writer reopens after its back-off (1 s on its clock, moved on until it has) and reloads the buckets from the database.
        var retry = BucketTestBed.WriteAsync(writer, good);
        while (await Task.WhenAny(retry, Task.Delay(50, Ct)) != retry)
        {
            bed.Clock.Advance(TimeSpan.FromSeconds(2));
        }
        Assert.Equal(new(2, 0), await retry);
        Assert.Equal(new(0, 2), await BucketTestBed.WriteAsync(writer, good));

        Assert.Equal(700_000m, (await bed.BucketAsync(s, BucketKind.Allowance, BucketTestBed.SecondPeriod)).Used);
    }

    [Fact]
    public async Task Crossing_80_and_100_percent_writes_one_notification_and_one_outbox_message_each_per_period_however_often_retried()
    {
        await using var bed = await BucketTestBed.CreateAsync();
        var s = await bed.SubscribeAsync(await bed.PackageAsync("NOTE", 1_000_000));
        var writer = await bed.StartWriterAsync();
        var events = new[] { bed.Event(s, "n1", Nov20, 790_000), bed.Event(s, "n2", Nov20, 10_000), bed.Event(s, "n3", Nov20, 150_000), bed.Event(s, "n4", Nov20, 100_000) };

        foreach (var e in events)
        {
            await BucketTestBed.WriteAsync(writer, e);
        }
        await BucketTestBed.WriteAsync(writer, events);
        var restarted = await bed.StartWriterAsync();
        await BucketTestBed.WriteAsync(restarted, [.. events, bed.Event(s, "n5", Nov20, 10_000)]);

        await using var db = bed.Database.CreateDbContext();
        var notifications = await db.CustomerNotifications.AsNoTracking().OrderBy(n => n.Threshold).ToListAsync(Ct);
        Assert.Equal([80, 100], notifications.Select(n => n.Threshold));
        // Written by the event that crossed: 800,000 used at 80 %, 1,000,000 (the allowance full, 50,000 beyond it) at 100 %.
        Assert.Equal([800_000m, 1_000_000m], notifications.Select(n => n.Used));
        Assert.All(notifications, n => Assert.Equal((s.SubscriptionId, BucketTestBed.SecondPeriod, 1_000_000m, BucketTestBed.Now), (n.SubscriptionId, n.PeriodStart, n.Included, n.CreatedAt)));
        var outbox = await db.Outbox.AsNoTracking().OrderBy(m => m.Id).ToListAsync(Ct);
        Assert.Equal([$"threshold:{s.SubscriptionId}:{BucketTestBed.SecondPeriod.UtcTicks}:80", $"threshold:{s.SubscriptionId}:{BucketTestBed.SecondPeriod.UtcTicks}:100"],
            outbox.Select(m => m.IdempotencyKey));
        Assert.All(outbox, m => Assert.Equal(("threshold", 0, BucketTestBed.Now, (DateTimeOffset?)null), (m.Kind, m.Attempts, m.NextAttemptAt, m.DeliveredAt)));
        using var payload = JsonDocument.Parse(outbox[1].Payload);
        var p = payload.RootElement;
        Assert.Equal("BKT001", p.GetProperty("customerCode").GetString());
        Assert.Equal(s.SubscriptionId, p.GetProperty("subscriptionId").GetInt32());
        Assert.Equal("NOTE", p.GetProperty("packageCode").GetString());
        Assert.Equal(100, p.GetProperty("threshold").GetInt32());
        Assert.Equal((1_000_000m, 1_000_000m), (p.GetProperty("included").GetDecimal(), p.GetProperty("used").GetDecimal()));
        Assert.Equal(BucketTestBed.SecondPeriod, p.GetProperty("periodStart").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 12, 14, 16, 0, 0, TimeSpan.Zero), p.GetProperty("periodEnd").GetDateTimeOffset());
        Assert.Equal(BucketTestBed.Now, p.GetProperty("createdAt").GetDateTimeOffset());
    }
}
