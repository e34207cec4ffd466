using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using TokenConsole.Features.Billing;
using static TokenConsole.Tests.Billing.RuleEffectsNovember;

namespace TokenConsole.Tests.Billing;

/// <summary>
/// Which price rules applied to a usage line, with their effect (issue 13): recorded per rule when usage is rated, put on
/// the line by the bill run. The story and the rules: <see cref="RuleEffectsNovember"/>. Money in µ¥ and fen.
/// </summary>
public sealed class RuleEffectsOnBillsTests(RuleEffectsNovember month) : IClassFixture<RuleEffectsNovember>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Finance = "finance −¥0.33/M", Night = "night −20 %", Government = "government flat ¥2.50/M";

    [Fact]
    public async Task Each_day_the_rules_effects_add_up_to_the_micro_yuan_to_what_the_rules_changed_of_the_customers_usage()
    {
        await using var db = month.Database.CreateDbContext();
        var effects = await db.CustomerDailyRuleEffects.AsNoTracking().ToListAsync(Ct);
        var usage = await db.CustomerDailyUsage.AsNoTracking().ToListAsync(Ct);

        foreach (var day in usage)
        {
            var rules = effects.Where(e => e.Day == day.Day && e.CustomerId == day.CustomerId && e.ModelId == day.ModelId).Sum(e => e.EffectMicros);
            Assert.Equal(day.RevenueMicros - day.BaseRevenueMicros, rules);
        }
        var fin = month.Customers["FIN"];
        // 20 Nov (Beijing): 777,777 tokens at 23:00 — night −622,221.6 then finance −256,666.41, rounded −878,888 apportioned
        // −622,222 / −256,666 — and the late 500,000 at 23:10: night −400,000, finance −165,000.
        var nov20 = effects.Where(e => e.CustomerId == fin && e.Day == new DateTime(2026, 11, 19, 16, 0, 0, DateTimeKind.Utc)).OrderBy(e => e.RuleOrdinal)
            .Select(e => (e.RuleSetVersion, e.RuleOrdinal, e.EffectMicros, e.Tokens));
        Assert.Equal([(1, 0, -256_666L - 165_000L, 1_277_777m), (1, 1, -622_222L - 400_000L, 1_277_777m)], nov20);
        // Retail at noon: no rule fired, no row.
        Assert.DoesNotContain(effects, e => e.CustomerId == month.Customers["RET"]);
    }

    [Fact]
    public void A_usage_line_lists_exactly_the_rules_that_fired_with_fen_that_add_up_to_the_lines_rules_effect()
    {
        var fin = Line(month.FirstRun, "FIN");
        // 1,234,567 at 14:00 (finance −407,407) + 777,777 at 23:00 (night −622,222, finance −256,666) = −1,286,295 µ¥ → −¥1.29;
        // finance −664,073 µ¥ = −66.4073 fen, night −62.2222 fen: floors −67 and −63, the one fen left to night's larger remainder.
        Assert.Equal((6_763_081L, 676L, -1_286_295L), (fin.AmountMicros, fin.AmountFen, fin.RulesEffectMicros));
        Assert.Equal([(Finance, 1, 0, -664_073L, -67L), (Night, 1, 1, -622_222L, -62L)],
            fin.RuleEffects.Select(e => (e.RuleName, e.RuleSetVersion, e.RuleOrdinal, e.EffectMicros, e.EffectFen)));
        Assert.Equal(-129L, fin.RuleEffects.Sum(e => e.EffectFen));
        Assert.Null(fin.Detail);

        // The exclusive rule alone, also on the night call (the night rule matched, but an exclusive rule leaves the others out).
        var gov = Line(month.FirstRun, "GOV");
        Assert.Equal((750L, -4_500_000L), (gov.AmountFen, gov.RulesEffectMicros));
        Assert.Equal([(Government, -4_500_000L, -450L)], gov.RuleEffects.Select(e => (e.RuleName, e.EffectMicros, e.EffectFen)));

        var ret = Line(month.FirstRun, "RET");
        Assert.Equal((400L, 0L), (ret.AmountFen, ret.RulesEffectMicros));
        Assert.Empty(ret.RuleEffects);
    }

    [Fact]
    public void Running_the_month_again_changes_nothing()
    {
        Assert.Equal(3, month.FirstRun.Count);
        Assert.Equal(Shape(month.FirstRun), Shape(month.SecondRun));

        static IEnumerable<string> Shape(List<Bill> bills) => bills.SelectMany(b => b.Lines.SelectMany(l =>
            l.RuleEffects.Select(e => $"{b.Id}/{l.Id}/{e.Id}:{e.RuleName}:{e.EffectMicros}:{e.EffectFen}").DefaultIfEmpty($"{b.Id}/{l.Id}:{l.AmountMicros}")));
    }

    [Fact]
    public async Task A_late_line_gets_its_own_rule_effects_only_the_part_not_billed()
    {
        var december = await month.BillsAsync(December);
        var late = Line(december, "FIN");

        // 500,000 tokens at 23:10 on 20 Nov: ¥2.00 base, night −¥0.40, finance −¥0.165 → ¥1.435 → 144 fen; rules −56.5 fen → −57,
        // apportioned −16.5 → −17 and −40 (the floors already add up).
        Assert.Equal((BillLineKind.LateUsage, 202611, 1_435_000L, 144L, -565_000L), (late.Kind, late.UsageMonth!.Value, late.AmountMicros, late.AmountFen, late.RulesEffectMicros));
        Assert.Equal([(Finance, -165_000L, -17L), (Night, -400_000L, -40L)], late.RuleEffects.Select(e => (e.RuleName, e.EffectMicros, e.EffectFen)));
        Assert.Single(december);
    }

    [Fact]
    public async Task The_page_the_CSV_and_the_API_show_each_rule_with_its_version_and_effect()
    {
        var fin = Line(month.FirstRun, "FIN");
        var text = BillText.RuleEffects(fin, new PassThrough()).ToList();
        Assert.Equal([$"{Finance} (v1): −\u2060¥0.67", $"{Night} (v1): −\u2060¥0.62"], text);
        Assert.Equal($"{Finance} (v1): -0.67; {Night} (v1): -0.62", BillEndpoints.RulesDetail(fin));

        var view = await month.Get<BillService>().GetAsync(month.FirstRun.Single(b => b.CustomerId == month.Customers["FIN"]).Id, Ct);
        var usage = Assert.Single(view!.Bill.Lines, l => l.Kind == BillLineKind.Usage);
        Assert.Equal([Finance, Night], usage.RuleEffects.Select(e => e.RuleName));
    }

    private Features.Billing.BillLine Line(List<Bill> bills, string customer) =>
        Assert.Single(bills.Single(b => b.CustomerId == month.Customers[customer]).Lines, l => l.Kind is BillLineKind.Usage or BillLineKind.LateUsage);

    /// <summary>The English text as the resource's key (SharedResource.resx gives each key as its value).</summary>
    private sealed class PassThrough : IStringLocalizer
    {
        public LocalizedString this[string name] => new(name, name);

        public LocalizedString this[string name, params object[] arguments] =>
            new(name, string.Format(System.Globalization.CultureInfo.CurrentCulture, name, arguments));

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}
