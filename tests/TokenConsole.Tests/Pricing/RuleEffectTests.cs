using TokenConsole.Data;
using TokenConsole.Features.Pricing;
using static TokenConsole.Tests.Pricing.RuleSetEngineTests;

namespace TokenConsole.Tests.Pricing;

/// <summary>Which rules changed an event's price and by how much, as the rating reports them to the usage writer (base ¥3/M).</summary>
public sealed class RuleEffectTests
{
    // Friday 20 Nov 2026, 23:00 Beijing.
    private static readonly DateTimeOffset Night = new(2026, 11, 20, 15, 0, 0, TimeSpan.Zero);

    private static PriceRule Rule(string name, PriceEffectKind effect, decimal value, StackingPolicy stacking, int priority, PriceRuleScope? scope = null) =>
        new() { Name = name, Effect = effect, Value = value, Stacking = stacking, Priority = priority, Scope = scope ?? new PriceRuleScope() };

    private static readonly PriceRule NightStack = Rule("night", PriceEffectKind.Percentage, -20m, StackingPolicy.Stacks, 10, new() { HourFrom = 22, HourTo = 6 });
    private static readonly PriceRule FinanceStack = Rule("finance", PriceEffectKind.AbsolutePerMTok, -0.33m, StackingPolicy.Stacks, 20, new() { IndustryCodes = ["finance"] });
    private static readonly PriceRule Best = Rule("best", PriceEffectKind.Percentage, -10m, StackingPolicy.BestPrice, 30);
    private static readonly PriceRule GovExclusive = Rule("gov", PriceEffectKind.UnitPrice, 2.5m, StackingPolicy.Exclusive, 5, new() { IndustryCodes = ["government"] });

    [Fact]
    public void Stacked_rules_each_get_the_price_after_them_minus_the_price_before_them_in_the_order_applied()
    {
        // Ordinals are the positions in the version as given (finance 0, best 1, night 2), not the order applied.
        var engine = Engine(FinanceStack, Best, NightStack, GovExclusive);
        var effects = new RuleEffect[8];

        var rating = engine.Rate(Event(tokens: 777_777, at: Night), effects);

        // Base 777,777 × 3 = 2,333,331 µ¥; best −10 % → 2,099,997.9; night −20 % → 1,679,998.32; finance −0.33 × 777,777 → 1,423,331.91.
        Assert.Equal(3, rating.FiredRules);
        Assert.Equal([1, 2, 0], effects[..3].Select(e => e.Ordinal));
        Assert.Equal([-233_333.1m, -419_999.58m, -256_666.41m], effects[..3].Select(e => e.Exact));
        Assert.Equal((1_423_332L, 2_333_331L), (rating.RevenueMicros, rating.BaseRevenueMicros));
        // Rounded effect −909,999 apportioned: floors −233,334, −420,000, −256,667 (−910,001); +1 each to the two largest remainders (0.9, 0.59).
        Assert.Equal([-233_333L, -420_000L, -256_666L], effects[..3].Select(e => e.Micros));
        Assert.Equal(rating.RevenueMicros - rating.BaseRevenueMicros, effects[..3].Sum(e => e.Micros));
        Assert.Equal(engine.Rate(Event(tokens: 777_777, at: Night)), rating with { FiredRules = 0 });
    }

    [Fact]
    public void An_exclusive_rule_is_the_only_one_that_fires_and_an_hour_window_rule_fires_only_inside_its_hours()
    {
        var engine = Engine(FinanceStack, NightStack, GovExclusive);
        var effects = new RuleEffect[8];

        var gov = engine.Rate(Event(industry: "government", at: Night), effects);
        Assert.Equal(1, gov.FiredRules);
        Assert.Equal(new RuleEffect(2, -500_000m, -500_000), effects[0]);

        var day = engine.Rate(Event(industry: "retail"), effects);
        Assert.Equal(0, day.FiredRules);
        Assert.Equal(day.BaseRevenueMicros, day.RevenueMicros);
        var night = engine.Rate(Event(industry: "retail", at: Night), effects);
        Assert.Equal((1, 1, -600_000L), (night.FiredRules, effects[0].Ordinal, effects[0].Micros));
    }

    [Fact]
    public void More_fired_rules_than_the_span_holds_are_counted_so_that_the_caller_can_rate_again()
    {
        var engine = Engine(FinanceStack, NightStack);
        var effects = new RuleEffect[1];

        var rating = engine.Rate(Event(at: Night), effects);

        Assert.Equal(2, rating.FiredRules);
        Assert.Equal(1, effects[0].Ordinal);
    }

    [Theory]
    [InlineData(-129L, new[] { -62.2222, -66.4073 }, new[] { -62L, -67L })]
    [InlineData(10L, new[] { 3.3333, 3.3333, 3.3334 }, new[] { 3L, 3L, 4L })]
    [InlineData(0L, new[] { 0.5, -0.5 }, new[] { 1L, -1L })]
    [InlineData(7L, new[] { 1.0, 1.0 }, new[] { 4L, 3L })]
    public void Apportioning_gives_each_part_its_floor_and_the_rest_to_the_largest_remainders_and_always_adds_up(long total, double[] exact, long[] expected)
    {
        var parts = new long[exact.Length];
        Money.Apportion(total, [.. exact.Select(e => (decimal)e)], parts);
        Assert.Equal(expected, parts);
        Assert.Equal(total, parts.Sum());
    }
}
