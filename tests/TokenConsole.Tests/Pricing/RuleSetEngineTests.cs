using System.Collections.Frozen;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Tests.Pricing;

/// <summary>Exact amounts for each effect kind and stacking policy, on a base price of ¥3/M tokens (1,000,000 tokens = ¥3).</summary>
public sealed class RuleSetEngineTests
{
    // Friday 20 Nov 2026, 12:00 Beijing.
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);

    internal static RulesRatingEngine Engine(params PriceRule[] rules)
    {
        var book = new PriceBook(
            new Dictionary<int, PriceBook.PackagePrices>
            {
                // Events here carry no bucket: every token is overage, and the overage price is the ¥3/M the rules start from.
                [1] = new(1, 10, UnitPricePerMTok: 3.0m, OveragePricePerMTok: 3.0m, IncludedTokens: 100_000_000,
                    new Dictionary<int, decimal> { [1] = 1.0m, [2] = 2.0m }.ToFrozenDictionary()),
            }.ToFrozenDictionary(),
            new Dictionary<int, PriceBook.ModelCosts> { [1] = new(0.5m, 1.0m), [2] = new(1.0m, 4.0m) }.ToFrozenDictionary());
        var books = new PriceBookProvider(null!);
        books.Replace(book);
        var ruleSets = new RuleSetProvider(null!, Microsoft.Extensions.Logging.Abstractions.NullLogger<RuleSetProvider>.Instance);
        ruleSets.Replace(new RuleSetEngine(7, rules, FrozenDictionary<int, FrozenSet<long>>.Empty, null));
        return new RulesRatingEngine(books, ruleSets);
    }

    internal static UsageContext Event(string region = "CN-GD", string industry = "finance", long tokens = 1_000_000, DateTimeOffset? at = null, long monthly = 0,
        CustomerSegment segment = CustomerSegment.Sme, int model = 1) =>
        new(1, model, 7, region, industry, segment, at ?? Noon, tokens, 0, monthly);

    private static PriceRule Rule(string name, PriceEffectKind effect, decimal value, StackingPolicy stacking = StackingPolicy.BestPrice, int priority = 100,
        PriceRuleScope? scope = null) =>
        new() { Name = name, Effect = effect, Value = value, Stacking = stacking, Priority = priority, Scope = scope ?? new PriceRuleScope() };

    [Fact]
    public void Without_rules_the_base_price_is_charged()
    {
        var rating = Engine().Rate(Event());
        Assert.Equal(3.0m, rating.Revenue);
        Assert.Equal(3.0m, rating.BaseRevenue);
        Assert.Equal(7, rating.RuleSetVersion);
    }

    [Fact]
    public void A_percentage_rule_scales_the_price()
    {
        var rating = Engine(Rule("finance-gd", PriceEffectKind.Percentage, -15m, scope: new() { RegionCodes = ["CN-GD"], IndustryCodes = ["finance"] })).Rate(Event());
        Assert.Equal(2.55m, rating.Revenue);
        Assert.Equal(3.0m, rating.BaseRevenue);
    }

    [Fact]
    public void An_absolute_rule_adds_its_amount_per_million_billable_tokens()
    {
        // Model 2 has a ×2 multiplier: 500,000 tokens bill as 1,000,000 → base ¥3, then -¥0.50 per billable million.
        var rating = Engine(Rule("abs", PriceEffectKind.AbsolutePerMTok, -0.5m)).Rate(Event(tokens: 500_000, model: 2));
        Assert.Equal(2.5m, rating.Revenue);
    }

    [Fact]
    public void A_unit_price_rule_replaces_the_price_per_million()
    {
        var rating = Engine(Rule("unit", PriceEffectKind.UnitPrice, 1.8m)).Rate(Event(tokens: 2_000_000));
        Assert.Equal(3.6m, rating.Revenue);
        Assert.Equal(6.0m, rating.BaseRevenue);
    }

    [Fact]
    public void A_discount_never_makes_the_price_negative()
    {
        Assert.Equal(0, Engine(Rule("abs", PriceEffectKind.AbsolutePerMTok, -10m)).Rate(Event()).Revenue);
    }

    [Fact]
    public void Out_of_scope_events_keep_the_base_price()
    {
        var engine = Engine(Rule("finance-gd", PriceEffectKind.Percentage, -15m, scope: new() { RegionCodes = ["CN-GD"], IndustryCodes = ["finance"] }));
        Assert.Equal(3.0m, engine.Rate(Event(region: "CN-SH")).Revenue);
        Assert.Equal(3.0m, engine.Rate(Event(industry: "retail")).Revenue);
    }

    [Fact]
    public void The_best_price_rule_for_the_customer_wins_among_best_price_rules()
    {
        var engine = Engine(Rule("ten-off", PriceEffectKind.Percentage, -10m, priority: 1), Rule("unit-2", PriceEffectKind.UnitPrice, 2.0m, priority: 50));
        var explained = engine.Explain(Event());
        Assert.Equal(2.0m, explained.Rating.Revenue);
        Assert.Equal("unit-2", Assert.Single(explained.Fired).Name);
    }

    [Fact]
    public void Stacking_rules_apply_in_priority_order_on_top_of_the_best_price()
    {
        // best price: -10 % → 2.70; then stacks: -¥0.20/M → 2.50, then +20 % → 3.00.
        var engine = Engine(
            Rule("plus-20", PriceEffectKind.Percentage, 20m, StackingPolicy.Stacks, priority: 9),
            Rule("ten-off", PriceEffectKind.Percentage, -10m, StackingPolicy.BestPrice),
            Rule("minus-20c", PriceEffectKind.AbsolutePerMTok, -0.2m, StackingPolicy.Stacks, priority: 5));
        var explained = engine.Explain(Event());
        Assert.Equal(3.0m, explained.Rating.Revenue);
        Assert.Equal(["ten-off", "minus-20c", "plus-20"], explained.Fired.Select(f => f.Name));
        Assert.Equal(2.7m, explained.Fired[1].PriceBefore);
        Assert.Equal(2.5m, explained.Fired[1].PriceAfter);
    }

    [Fact]
    public void The_exclusive_rule_of_highest_priority_alone_applies()
    {
        var engine = Engine(
            Rule("half", PriceEffectKind.Percentage, -50m, StackingPolicy.BestPrice),
            Rule("excl-low", PriceEffectKind.UnitPrice, 2.4m, StackingPolicy.Exclusive, priority: 20),
            Rule("excl-high", PriceEffectKind.UnitPrice, 2.7m, StackingPolicy.Exclusive, priority: 10),
            Rule("stack", PriceEffectKind.Percentage, -10m, StackingPolicy.Stacks));
        var explained = engine.Explain(Event());
        Assert.Equal(2.7m, explained.Rating.Revenue);
        Assert.Equal("excl-high", Assert.Single(explained.Fired).Name);
    }

    [Fact]
    public void Time_of_day_day_of_week_segment_and_monthly_volume_scopes_are_honoured()
    {
        var night = Rule("night", PriceEffectKind.Percentage, -30m, StackingPolicy.Stacks, scope: new() { HourFrom = 22, HourTo = 6 });
        var weekend = Rule("weekend", PriceEffectKind.Percentage, -10m, StackingPolicy.Stacks, scope: new() { Days = [DayOfWeek.Saturday, DayOfWeek.Sunday] });
        var volume = Rule("volume", PriceEffectKind.AbsolutePerMTok, -1m, StackingPolicy.Stacks, scope: new() { MinMonthlyTokens = 50_000_000, Segments = [CustomerSegment.Government] });
        var engine = Engine(night, weekend, volume);
        Assert.Equal(3.0m, engine.Rate(Event()).Revenue);                                         // Friday noon
        Assert.Equal(2.1m, engine.Rate(Event(at: new DateTimeOffset(2026, 11, 20, 15, 0, 0, TimeSpan.Zero))).Revenue); // 23:00 Beijing
        Assert.Equal(2.7m, engine.Rate(Event(at: new DateTimeOffset(2026, 11, 21, 4, 0, 0, TimeSpan.Zero))).Revenue);  // Saturday noon
        Assert.Equal(3.0m, engine.Rate(Event(monthly: 60_000_000)).Revenue);                       // not government
        Assert.Equal(2.0m, engine.Rate(Event(monthly: 60_000_000, segment: CustomerSegment.Government)).Revenue);
        Assert.Equal(3.0m, engine.Rate(Event(monthly: 40_000_000, segment: CustomerSegment.Government)).Revenue);
    }

    [Fact]
    public void A_rule_outside_its_validity_window_does_not_apply()
    {
        var rule = Rule("later", PriceEffectKind.Percentage, -50m) with { ValidFrom = Noon.AddHours(1), ValidTo = Noon.AddDays(1) };
        var engine = Engine(rule);
        Assert.Equal(3.0m, engine.Rate(Event()).Revenue);
        Assert.Equal(1.5m, engine.Rate(Event(at: Noon.AddHours(2))).Revenue);
        Assert.Equal(3.0m, engine.Rate(Event(at: Noon.AddDays(1))).Revenue);
    }

    [Fact]
    public void An_advanced_expression_decides_after_the_scope_prefilter()
    {
        var rule = Rule("big-calls", PriceEffectKind.Percentage, -20m, scope: new() { RegionCodes = ["CN-GD"] }) with
        {
            AdvancedExpression = "u.Tokens >= 2000000 && Fn.In(u.Industry, \"finance,retail\")",
        };
        var engine = Engine(rule);
        Assert.Equal(4.8m, engine.Rate(Event(tokens: 2_000_000)).Revenue);
        Assert.Equal(3.0m, engine.Rate(Event(tokens: 1_000_000)).Revenue);
        Assert.Equal(6.0m, engine.Rate(Event(tokens: 2_000_000, region: "CN-SH")).Revenue);
    }

    [Fact]
    public void A_rule_that_throws_is_skipped_and_reported_while_the_others_still_price()
    {
        var failures = new List<string>();
        var rules = new[]
        {
            Rule("broken", PriceEffectKind.Percentage, -90m, StackingPolicy.Exclusive, priority: 1) with { AdvancedExpression = "u.Tokens / (u.Hour - u.Hour) > 0" },
            Rule("ten-off", PriceEffectKind.Percentage, -10m),
        };
        var engine = new RuleSetEngine(3, rules, FrozenDictionary<int, FrozenSet<long>>.Empty, (name, _) => failures.Add(name));
        var price = engine.Apply(Event(), 3_000_000m, 1_000_000);
        engine.Apply(Event(), 3_000_000m, 1_000_000);
        Assert.Equal(2_700_000m, price); // micro-yuan, exact
        Assert.Equal(["broken"], failures); // reported once, not per event
        Assert.Equal(2, engine.RuntimeErrors["broken"]);
    }

    [Fact]
    public void A_ruleset_round_trips_through_its_workflow_json()
    {
        var rule = Rule("finance-gd", PriceEffectKind.Percentage, -15m, StackingPolicy.Exclusive, 3, new() { RegionCodes = ["CN-GD"], IndustryCodes = ["finance"], HourFrom = 9, HourTo = 18 })
            with { ValidFrom = Noon, PriceChangeId = 4 };
        var json = RuleSetEngine.ToWorkflowJson(2, [rule]);
        Assert.Contains("\"WorkflowName\":\"pricing-v2\"", json, StringComparison.Ordinal);
        Assert.Contains("u.Region == \\u0022CN-GD\\u0022", json, StringComparison.Ordinal);
        var back = Assert.Single(RuleSetEngine.FromWorkflowJson(json));
        Assert.Equal(rule.Expression, back.Expression);
        Assert.Equal(rule with { Scope = back.Scope }, back);
        Assert.Equal(rule.Scope.RegionCodes, back.Scope.RegionCodes);
        Assert.Equal(rule.Scope.HourTo, back.Scope.HourTo);
    }
}
