using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Reports;
using TokenConsole.Features.Usage;
using static TokenConsole.Tests.Billing.HandWorkedNovember;

namespace TokenConsole.Tests.Billing;

/// <summary>
/// Issue 13's November worked by hand (the story and the catalog: <see cref="HandWorkedNovember"/>). Five customers:
/// <list type="bullet">
/// <item>ACME (SME, CN-GD × finance): PAYG-M from 1 Oct 09:00; 200,000 tokens used in October, so November rolls over
///   a capped 500,000; then overage under the −15 % price rule; a ¥12.34 credit note on its October bill on 12 Nov.</item>
/// <item>BRIGHT (SME, CN-BJ × logistics): PAYG-M from 15 Oct 10:00, 800,000 used in its first period (rollover 200,000,
///   under the cap), upgraded to PAYG-L on 18 Nov 15:00, overage at PAYG-L's price (no rule in CN-BJ).</item>
/// <item>WANG (personal, CN-SH × consumer): STOP-P from 5 Oct 08:30; TOP-30D sold 8 Nov 10:00 (expires 8 Dec), TOP-7D
///   sold 9 Nov 10:00 (expires 16 Nov, sooner); 220,000 tokens on 10 and 12 Nov: the allowance, the top-ups, then leakage.</item>
/// <item>DELTA (SME, CN-GD × retail): PAYG-M from 7 Nov 16:30, a first period (nothing to roll over) and an overage charge of
///   exactly 25.5 fen, which the bill rounds half away from zero.</item>
/// <item>ECHO (SME, CN-GD × media): PAYG-M from 1 Oct 09:30, cancelled on 20 Oct, so it ended on 1 Nov 00:00: no November bill.</item>
/// </list>
/// Money in fen (1 fen = 10,000 µ¥) unless said otherwise. A fee F over a period of n days gives day i (from 0)
/// ⌊(i+1)F/n⌋ − ⌊iF/n⌋, so days [a, b) of it come to ⌊bF/n⌋ − ⌊aF/n⌋.
/// </summary>
public sealed class HandWorkedNovemberTests(HandWorkedNovember november) : IClassFixture<HandWorkedNovember>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const long Fen = 10_000;

    [Fact]
    public async Task Fees_recognized_in_November_spread_each_period_fee_over_its_days_and_prorate_the_upgrade()
    {
        // ACME, PAYG-M F = 29,999, anchor 1 Oct: November is one whole 30-day period = 29,999.
        // BRIGHT, PAYG-M until the upgrade, anchor 15 Oct:
        //   1–14 Nov are days 17..30 of 15 Oct – 14 Nov (31 days): 29,999 − ⌊17 × 29,999 / 31⌋ = 29,999 − ⌊509,983 / 31⌋
        //   = 29,999 − 16,451 = 13,548;
        //   15–17 Nov are days 0..2 of 15 Nov – 14 Dec (30 days): ⌊3 × 29,999 / 30⌋ = ⌊89,997 / 30⌋ = 2,999;
        //   PAYG-M: 13,548 + 2,999 = 16,547 over 17 days (the old package is charged through the day before the upgrade).
        // BRIGHT, PAYG-L F = 128,888 from the upgrade day, anchor 18 Nov: 18–30 Nov are days 0..12 of 18 Nov – 17 Dec
        //   (30 days): ⌊13 × 128,888 / 30⌋ = ⌊1,675,544 / 30⌋ = 55,851 over 13 days.
        // WANG, STOP-P F = 1,990, anchor 5 Oct: 1–4 Nov are days 27..30 of 5 Oct – 4 Nov (31 days):
        //   1,990 − ⌊27 × 1,990 / 31⌋ = 1,990 − ⌊53,730 / 31⌋ = 1,990 − 1,733 = 257; 5–30 Nov are days 0..25 of
        //   5 Nov – 4 Dec (30 days): ⌊26 × 1,990 / 30⌋ = ⌊51,740 / 30⌋ = 1,724; 257 + 1,724 = 1,981 over 30 days.
        // DELTA, PAYG-M, anchor 7 Nov: 7–30 Nov are days 0..23 of 7 Nov – 6 Dec (30 days): ⌊24 × 29,999 / 30⌋ = ⌊719,976 / 30⌋ = 23,999.
        // ECHO: its term ended at 1 Nov 00:00, nothing.
        // Top-ups, spread over their validity from the sale day: TOP-30D 999 from 8 Nov, 8–30 Nov are days 0..22:
        //   ⌊23 × 999 / 30⌋ = ⌊22,977 / 30⌋ = 765; TOP-7D 500 from 9 Nov, 9–15 Nov, all of it: 500.
        // Credits: ACME's 1,234 on 12 Nov, the day it was approved.
        var rows = await RevenueOfNovemberAsync();

        Assert.Equal(new Dictionary<(string, string), (long, long, long, int)>
        {
            [("ACME", "PAYG-M")] = (29_999, 0, 0, 30),
            [("ACME", "")] = (0, 0, 1_234, 0),
            [("BRIGHT", "PAYG-M")] = (16_547, 0, 0, 17),
            [("BRIGHT", "PAYG-L")] = (55_851, 0, 0, 13),
            [("WANG", "STOP-P")] = (1_981, 0, 0, 30),
            [("WANG", "TOP-30D")] = (0, 765, 0, 0),
            [("WANG", "TOP-7D")] = (0, 500, 0, 0),
            [("DELTA", "PAYG-M")] = (23_999, 0, 0, 24),
        }, rows);
        // The upgrade day itself is charged on PAYG-L only, the day before on PAYG-M only.
        var bright = await DailyFeesAsync("BRIGHT");
        Assert.Equal([("PAYG-M", 1_000L)], bright[new DateOnly(2026, 11, 17)]);
        Assert.Equal([("PAYG-L", 4_296L)], bright[new DateOnly(2026, 11, 18)]); // day 0: ⌊128,888 / 30⌋ = 4,296
    }

    [Fact]
    public async Task October_s_unused_allowance_rolls_over_capped_at_the_package_percentage_and_is_drawn_before_the_allowance()
    {
        // ACME, October: 200,000 of 1,000,000 used; unused 800,000, capped at 50 % of 1,000,000 = 500,000.
        //   3 Nov: 900,000 std = 900,000 billable: the rollover's 500,000 first, then 400,000 of the allowance.
        //   20 Nov: 2,000,164 pro × 1.5 = 3,000,246 billable: the allowance's remaining 600,000, 2,400,246 beyond.
        //   25 Nov: 334,071 std, all beyond.
        var acme = await BucketsAsync("ACME");
        Assert.Equal((1_000_000m, 200_000m), acme[(BucketKind.Allowance, Bj(10, 1))]);
        Assert.Equal((500_000m, 500_000m), acme[(BucketKind.Rollover, Bj(11, 1))]);
        Assert.Equal((1_000_000m, 1_000_000m), acme[(BucketKind.Allowance, Bj(11, 1))]);
        // BRIGHT, 15 Oct – 14 Nov: 800,000 used; unused 200,000, under the cap of 500,000: all of it carried.
        //   16 Nov: 700,000 = the rollover's 200,000, then 500,000 of the allowance (1,000,000 − 500,000 = 500,000 remain).
        //   The upgrade starts PAYG-L's own period on 18 Nov (no rollover into a new term's first period):
        //   25 Nov: 5,123,457 = 5,000,000 of its allowance, 123,457 beyond.
        var bright = await BucketsAsync("BRIGHT");
        Assert.Equal((1_000_000m, 800_000m), bright[(BucketKind.Allowance, Bj(10, 15))]);
        Assert.Equal((200_000m, 200_000m), bright[(BucketKind.Rollover, Bj(11, 15))]);
        Assert.Equal((1_000_000m, 500_000m), bright[(BucketKind.Allowance, Bj(11, 15))]);
        Assert.Equal((5_000_000m, 5_000_000m), bright[(BucketKind.Allowance, Bj(11, 18))]);
        Assert.Equal(4, bright.Count);
        // DELTA's first period has nothing to roll over although PAYG-M rolls over: 1,000,000 of 1,053,125 inside.
        Assert.Equal((1_000_000m, 1_000_000m), Assert.Single(await BucketsAsync("DELTA")).Value);
    }

    [Fact]
    public async Task Top_ups_are_drawn_after_the_allowance_earliest_expiry_first_and_beyond_them_a_stop_at_limit_package_leaks_at_zero()
    {
        // WANG, period 5 Nov – 4 Dec, allowance 100,000 (no rollover in STOP-P).
        //   10 Nov: 120,000 = the allowance's 100,000, then 20,000 from TOP-7D (expires 16 Nov 10:00), sold a day after
        //   TOP-30D (expires 8 Dec 10:00) but expiring first: TOP-30D untouched.
        Assert.Equal((20_000m, 0m), november.TopUpsAfterFirstDraw);
        //   12 Nov: 100,000 = TOP-7D's remaining 20,000, TOP-30D's 50,000, and 30,000 beyond every bucket: leakage, rated 0.
        var wang = await BucketsAsync("WANG");
        Assert.Equal((100_000m, 100_000m), wang[(BucketKind.Allowance, Bj(11, 5))]);
        Assert.Equal((40_000m, 40_000m), wang[(BucketKind.TopUp, Bj(11, 9, 10))]);
        Assert.Equal((50_000m, 50_000m), wang[(BucketKind.TopUp, Bj(11, 8, 10))]);
        var days = await DailyUsageAsync("WANG");
        Assert.Equal((120_000m, 0m, 0m, 0L), days[(new DateOnly(2026, 11, 10), november.Std)]);
        Assert.Equal((70_000m, 0m, 30_000m, 0L), days[(new DateOnly(2026, 11, 12), november.Std)]);
        await using var db = november.Database.CreateDbContext();
        Assert.Equal(0, await db.UsageEvents.Where(e => e.CustomerId == november.Customers["WANG"]).SumAsync(e => e.RevenueMicros, Ct));
    }

    [Fact]
    public async Task Overage_is_charged_at_the_overage_price_after_the_price_rule_and_each_event_is_rounded_once_to_the_micro_yuan()
    {
        // ¥x per million tokens is x µ¥ per token.
        // ACME 20 Nov, pro: 2,400,246 beyond × 4.80 = 11,521,180.8 µ¥ at the overage price (11,521,181 rounded, the base);
        //   the rule −15 % on the exact base: 11,521,180.8 × 0.85 = 9,793,003.68 → 9,793,004 µ¥.
        // ACME 25 Nov, std: 334,071 × 4.80 = 1,603,540.8 → base 1,603,541; × 0.85 = 1,363,009.68 → 1,363,010 µ¥.
        // BRIGHT 25 Nov, std on PAYG-L: 123,457 × 3.60 = 444,445.2 → 444,445 µ¥ (CN-BJ × logistics: no rule).
        // DELTA 28 Nov, std: 53,125 × 4.80 = 255,000 µ¥ exactly (CN-GD × retail: not finance, no rule).
        var acme = await DailyUsageAsync("ACME");
        Assert.Equal((900_000m, 0m, 0m, 0L), acme[(new DateOnly(2026, 11, 3), november.Std)]);
        Assert.Equal((600_000m, 2_400_246m, 0m, 9_793_004L), acme[(new DateOnly(2026, 11, 20), november.Pro)]);
        Assert.Equal((0m, 334_071m, 0m, 1_363_010L), acme[(new DateOnly(2026, 11, 25), november.Std)]);
        Assert.Equal((5_000_000m, 123_457m, 0m, 444_445L), (await DailyUsageAsync("BRIGHT"))[(new DateOnly(2026, 11, 25), november.Std)]);
        Assert.Equal((1_000_000m, 53_125m, 0m, 255_000L), (await DailyUsageAsync("DELTA"))[(new DateOnly(2026, 11, 28), november.Std)]);
        await using var db = november.Database.CreateDbContext();
        var bases = await db.CustomerDailyUsage.AsNoTracking().Where(d => d.CustomerId == november.Customers["ACME"] && d.OverageTokens > 0)
            .OrderBy(d => d.Day).Select(d => d.BaseRevenueMicros).ToListAsync(Ct);
        Assert.Equal([11_521_181L, 1_603_541L], bases);
    }

    [Fact]
    public async Task Each_November_bill_has_its_lines_rounded_to_the_fen_once_its_total_the_exact_sum_and_the_VAT_taken_out_of_it()
    {
        var bills = await BillsAsync();
        Assert.Equal((5, 4), (november.NovemberRun.CustomersDone, november.NovemberRun.BillsIssued));
        Assert.Equal(["ACME", "BRIGHT", "WANG", "DELTA"], bills.Keys);

        // ACME: fee 29,999 (30 days, ¥299.99 a period);
        //   usage std 1,363,010 µ¥ = 136.301 fen → 136, at 1,363,010 / 334,071 = ¥4.080001 per million, rules −240,531 µ¥
        //   (1,363,010 − 1,603,541); usage pro 9,793,004 µ¥ = 979.3004 → 979, rules −1,728,177 µ¥ (9,793,004 − 11,521,181);
        //   the credit note −1,234. Rounding the usage once would give 11,156,014 µ¥ = 1,115.6014 → 1,116; line by line it is
        //   136 + 979 = 1,115.
        // Total 29,999 + 136 + 979 − 1,234 = 29,880. VAT 29,880 × 0.06 / 1.06 = 1,691.32… → 1,691; 金额 29,880 − 1,691 = 28,189.
        var acme = bills["ACME"];
        Assert.Equal(
        [
            (BillLineKind.Fee, "PAYG-M", 30m, 299.99m, 29_999 * Fen, 29_999L),
            (BillLineKind.Usage, "std", 334_071m, 4.080001m, 1_363_010L, 136L),
            (BillLineKind.Usage, "pro", 2_400_246m, 4.080000m, 9_793_004L, 979L),
            (BillLineKind.Credit, "", 1m, -12.34m, -1_234 * Fen, -1_234L),
        ], acme.Lines);
        Assert.Equal([0L, -240_531L, -1_728_177L, 0L], acme.RulesEffects);
        Assert.Equal((29_880L, 28_189L, 1_691L), acme.Totals);

        // BRIGHT: PAYG-M 16,547 (17 days), PAYG-L 55,851 (13 days), usage std 444,445 µ¥ = 44.4445 → 44 at ¥3.60 (the line's
        // unit price is its amount over its tokens, 444,445 / 123,457 = 3.5999984 → ¥3.599998 to six places).
        // Total 16,547 + 55,851 + 44 = 72,442. VAT 72,442 × 0.06 / 1.06 = 4,100.49… → 4,100; 金额 68,342.
        var bright = bills["BRIGHT"];
        Assert.Equal(
        [
            (BillLineKind.Fee, "PAYG-M", 17m, 299.99m, 16_547 * Fen, 16_547L),
            (BillLineKind.Fee, "PAYG-L", 13m, 1_288.88m, 55_851 * Fen, 55_851L),
            (BillLineKind.Usage, "std", 123_457m, 3.599998m, 444_445L, 44L),
        ], bright.Lines);
        Assert.Equal((72_442L, 68_342L, 4_100L), bright.Totals);

        // WANG: STOP-P 1,981 (30 days); the top-ups sold in November at their price, in the order sold: 999 and 500; the
        // 30,000 leaked tokens are on no line. Total 1,981 + 999 + 500 = 3,480. VAT 3,480 × 0.06 / 1.06 = 196.98… → 197; 金额 3,283.
        var wang = bills["WANG"];
        Assert.Equal(
        [
            (BillLineKind.Fee, "STOP-P", 30m, 19.90m, 1_981 * Fen, 1_981L),
            (BillLineKind.TopUp, "TOP-30D", 1m, 9.99m, 999 * Fen, 999L),
            (BillLineKind.TopUp, "TOP-7D", 1m, 5.00m, 500 * Fen, 500L),
        ], wang.Lines);
        Assert.Equal((3_480L, 3_283L, 197L), wang.Totals);

        // DELTA: PAYG-M 23,999 (24 days); usage 255,000 µ¥ = 25.5 fen → 26 (half away from zero).
        // Total 23,999 + 26 = 24,025. VAT 24,025 × 0.06 / 1.06 = 1,359.90… → 1,360; 金额 22,665.
        var delta = bills["DELTA"];
        Assert.Equal(
        [
            (BillLineKind.Fee, "PAYG-M", 24m, 299.99m, 23_999 * Fen, 23_999L),
            (BillLineKind.Usage, "std", 53_125m, 4.8m, 255_000L, 26L),
        ], delta.Lines);
        Assert.Equal((24_025L, 22_665L, 1_360L), delta.Totals);

        foreach (var bill in bills.Values)
        {
            Assert.Equal(bill.Lines.Sum(l => l.Fen), bill.Totals.Total);
            Assert.Equal(bill.Totals.Total, bill.Totals.Net + bill.Totals.Tax);
        }
        // The credit note is marked applied on ACME's November bill; the rule that priced November is named on its usage lines
        // with its effect (v1's only rule, the whole of each line's rules effect).
        await using var db = november.Database.CreateDbContext();
        var note = await db.CreditNotes.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((CreditNoteStatus.Applied, acme.Id), (note.Status, note.AppliedOnBillId));
        var ruled = await db.BillLines.AsNoTracking().Include(l => l.RuleEffects).Where(l => l.BillId == acme.Id && l.Kind == BillLineKind.Usage).OrderBy(l => l.Number).ToListAsync(Ct);
        Assert.Equal([(null, "finance-gd-15-off", 1, -24L), (null, "finance-gd-15-off", 1, -173L)],
            ruled.Select(l => (l.Detail, Assert.Single(l.RuleEffects).RuleName, l.RuleEffects[0].RuleSetVersion, l.RuleEffects[0].EffectFen)));
    }

    [Fact]
    public async Task The_November_report_s_revenue_is_the_fees_recognized_in_November_plus_the_usage_charges_minus_the_credits()
    {
        // Fees (recurring): 29,999 + 16,547 + 55,851 + 1,981 + 23,999 = 128,377 fen = ¥1,283.77.
        // Fees (top-up packs, one-off, spread over their days): 765 + 500 = 1,265 fen = ¥12.65.
        // Usage charges: 9,793,004 + 1,363,010 + 444,445 + 255,000 = 11,855,459 µ¥ = ¥11.855459 (exact, rounded where shown).
        // Credits: ¥12.34.
        // Revenue = 1,283.77 + 12.65 + 11.855459 − 12.34 = ¥1,295.935459.
        const decimal fees = 1_283.77m, topUps = 12.65m, usage = 11.855459m, credits = 12.34m;
        var report = await new ReportsService(november.Database, november.Clock).GetAsync(ReportPeriod.Month(2026, 11), Ct);
        var heatmap = await new HeatmapService(november.Database, november.Clock).GetAsync(
            new HeatmapQuery(HeatmapMetric.Revenue, HeatmapPeriod.Custom, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), Ct);

        Assert.Equal(new RevenueSplit(fees, usage, topUps, credits), report.Split);
        Assert.Equal(1_295.935459m, report.Kpis.Revenue.Value);
        Assert.Equal(fees + topUps + usage - credits, report.Kpis.Revenue.Value);
        Assert.Equal(report.Kpis.Revenue.Value, heatmap.Total.Revenue);
        Assert.Equal(report.Kpis.Revenue.Value, report.Daily.Sum(d => d.Revenue));
        // The report's figures are the recognized ones, read back from the rollups the recognizer and the writer keep.
        var recognized = await RevenueOfNovemberAsync();
        Assert.Equal(fees, recognized.Values.Sum(r => r.Fee) / 100m);
        Assert.Equal(topUps, recognized.Values.Sum(r => r.TopUp) / 100m);
        Assert.Equal(credits, recognized.Values.Sum(r => r.Credit) / 100m);
        await using var db = november.Database.CreateDbContext();
        var novemberStart = November.StartUtc;
        var novemberEnd = November.EndUtc;
        Assert.Equal(usage, Money.FromMicros(await db.CustomerDailyUsage.Where(d => d.Day >= novemberStart && d.Day < novemberEnd).SumAsync(d => d.RevenueMicros, Ct)));
        // Four customers held a subscription in November (ECHO's ended as it began): ARPU = revenue ÷ 4.
        Assert.Equal(4, report.Kpis.ActiveCustomers.Value);
        Assert.Equal(1_295.935459m / 4, report.Kpis.RevenuePerCustomer.Value);
    }

    /// <summary>November's recognized rows per customer code and package code ("" for credits): fee, top-up and credit fen, days with a fee.</summary>
    private async Task<Dictionary<(string Customer, string Package), (long Fee, long TopUp, long Credit, int FeeDays)>> RevenueOfNovemberAsync()
    {
        var (from, to) = (November.StartUtc, November.EndUtc);
        await using var db = november.Database.CreateDbContext();
        var rows = await db.RevenueDaily.AsNoTracking().Where(r => r.Day >= from && r.Day < to).ToListAsync(Ct);
        var packages = await db.Packages.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Code, Ct);
        var customers = november.Customers.ToDictionary(c => c.Value, c => c.Key);
        return rows.GroupBy(r => (customers[r.CustomerId], packages.GetValueOrDefault(r.PackageId, "")))
            .ToDictionary(g => g.Key, g => (g.Sum(r => r.FeeMicros) / Fen, g.Sum(r => r.TopUpMicros) / Fen, g.Sum(r => r.CreditMicros) / Fen, g.Count(r => r.FeeMicros != 0)));
    }

    /// <summary>A customer's recognized fee per Beijing day: (package code, fen) of each package charged that day.</summary>
    private async Task<Dictionary<DateOnly, List<(string Package, long Fen)>>> DailyFeesAsync(string customer)
    {
        var id = november.Customers[customer];
        await using var db = november.Database.CreateDbContext();
        var packages = await db.Packages.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Code, Ct);
        var rows = await db.RevenueDaily.AsNoTracking().Where(r => r.CustomerId == id && r.FeeMicros != 0).ToListAsync(Ct);
        return rows.GroupBy(r => DateOnly.FromDateTime(BusinessCalendar.ToLocal(r.Day)))
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.PackageId).Select(r => (packages[r.PackageId], r.FeeMicros / Fen)).ToList());
    }

    /// <summary>A customer's buckets by kind and period start (a top-up's: its sale): (included, used).</summary>
    private async Task<Dictionary<(BucketKind Kind, DateTimeOffset Start), (decimal Included, decimal Used)>> BucketsAsync(string customer)
    {
        var id = november.Customers[customer];
        await using var db = november.Database.CreateDbContext();
        var buckets = await db.AllowanceBuckets.AsNoTracking().Where(b => b.CustomerId == id).ToListAsync(Ct);
        return buckets.ToDictionary(b => (b.Kind, b.PeriodStart), b => (b.Included, b.Used));
    }

    /// <summary>A customer's usage per Beijing day and model: (billable tokens in the buckets, beyond them charged, leaked, usage charges µ¥).</summary>
    private async Task<Dictionary<(DateOnly Day, int Model), (decimal Buckets, decimal Overage, decimal Leakage, long Micros)>> DailyUsageAsync(string customer)
    {
        var id = november.Customers[customer];
        await using var db = november.Database.CreateDbContext();
        var rows = await db.CustomerDailyUsage.AsNoTracking().Where(d => d.CustomerId == id).ToListAsync(Ct);
        return rows.ToDictionary(d => (DateOnly.FromDateTime(BusinessCalendar.ToLocal(d.Day)), d.ModelId), d => (d.BucketTokens, d.OverageTokens, d.LeakageTokens, d.RevenueMicros));
    }

    private sealed record BillView(long Id, List<(BillLineKind Kind, string Item, decimal Quantity, decimal UnitPrice, long Micros, long Fen)> Lines,
        List<long> RulesEffects, (long Total, long Net, long Tax) Totals);

    /// <summary>November's bills by customer code, in customer order: lines as (kind, package or model code, quantity, unit price, µ¥, fen).</summary>
    private async Task<Dictionary<string, BillView>> BillsAsync()
    {
        await using var db = november.Database.CreateDbContext();
        var packages = await db.Packages.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Code, Ct);
        var models = await db.Models.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.Code, Ct);
        var customers = november.Customers.ToDictionary(c => c.Value, c => c.Key);
        var bills = await db.Bills.AsNoTracking().Include(b => b.Lines).Where(b => b.Period == November.Period).OrderBy(b => b.CustomerId).ToListAsync(Ct);
        return bills.ToDictionary(b => customers[b.CustomerId], b =>
        {
            var lines = b.Lines.OrderBy(l => l.Number).ToList();
            return new BillView(b.Id,
                [.. lines.Select(l => (l.Kind, l.PackageId is { } p ? packages[p] : l.ModelId is { } m ? models[m] : "", l.Quantity, l.UnitPrice, l.AmountMicros, l.AmountFen))],
                [.. lines.Select(l => l.RulesEffectMicros)], (b.TotalFen, b.NetFen, b.TaxFen));
        });
    }
}
