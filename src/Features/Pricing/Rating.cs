using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Pricing;

/// <summary>What is known about one usage event when it is priced.</summary>
/// <param name="CustomerMonthlyTokens">
/// Raw tokens (not multiplied) the customer used earlier in the same Beijing calendar month, before this event: only
/// for the price rules' monthly-volume scope (<c>MinMonthlyTokens</c>). The allowance is <paramref name="BucketRemaining"/>.
/// </param>
/// <param name="BucketRemaining">
/// Billable tokens (tokens × multiplier) still in the subscription's buckets valid at the event's time (rollover,
/// allowance, top-ups), before this event. Inside them usage earns nothing: the fee paid for them is revenue of its own.
/// </param>
/// <param name="WhenExhausted">What happens beyond the buckets: the overage price, or zero and leakage.</param>
/// <param name="PackageVersionId">The version of the term in force (its overage price and multipliers); 0: the package's active version.</param>
public readonly record struct UsageContext(
    int PackageId,
    int ModelId,
    int CustomerId,
    string RegionCode,
    string IndustryCode,
    CustomerSegment Segment,
    DateTimeOffset Timestamp,
    long InputTokens,
    long OutputTokens,
    long CustomerMonthlyTokens,
    decimal BucketRemaining = 0,
    ExhaustionPolicy WhenExhausted = ExhaustionPolicy.PayAsYouGo,
    int PackageVersionId = 0);

/// <summary>
/// The price of one event in micro-yuan (10⁻⁶ CNY): what it earns (usage charges: the overage after the price rules), what
/// the overage would have earned at the overage price alone, and what it costs. Computed in <see cref="decimal"/> and
/// rounded once, half away from zero, to the µ¥: that is the stored amount. Beside it, where its billable tokens went:
/// into the buckets, beyond them at the overage price, or beyond a stop-at-limit subscription's buckets (leakage).
/// </summary>
/// <param name="RuleSetVersion">The price-rule set version that priced it; 0 when no rules are active.</param>
/// <param name="FiredRules">
/// How many rules of that version changed the price (<see cref="IRatingEngine.Rate(in UsageContext, Span{RuleEffect})"/>
/// wrote each one's effect into the caller's span); more than the span holds means the caller rates again with a longer one.
/// </param>
public readonly record struct Rating(long RevenueMicros, long BaseRevenueMicros, long ComputeCostMicros, int RuleSetVersion,
    decimal BucketTokens = 0, decimal OverageTokens = 0, decimal LeakageTokens = 0, int FiredRules = 0)
{
    public decimal Revenue => Money.FromMicros(RevenueMicros);
    public decimal BaseRevenue => Money.FromMicros(BaseRevenueMicros);
    public decimal ComputeCost => Money.FromMicros(ComputeCostMicros);
}

/// <summary>Prices usage events. Called on the ingestion hot path: implementations must be synchronous and allocation-light.</summary>
public interface IRatingEngine
{
    Rating Rate(in UsageContext context);

    /// <summary>
    /// The same rating, with the effect of each rule that fired written into <paramref name="effects"/> in the order
    /// applied (<see cref="Rating.FiredRules"/> of them; when more fired than it holds, it holds the first ones and the
    /// caller rates again with a longer span). An engine without price rules fires none.
    /// </summary>
    Rating Rate(in UsageContext context, Span<RuleEffect> effects) => Rate(context);
}

/// <summary>
/// What one price rule did to one event's price. A span of these, provided by the caller and reused from event to event,
/// is how the rating reports the rules without allocating on the ingestion hot path: a list or an array per event would
/// be garbage at 100,000 events/s, and a fixed bitmask would cap a version at 64 rules and still need the amounts.
/// </summary>
/// <param name="Ordinal">The rule's position in its ruleset version (the order of the version's workflow JSON).</param>
/// <param name="Exact">Price after the rule minus price before it, in µ¥, exact: Σ over the fired rules = exact revenue − exact base.</param>
/// <param name="Micros">
/// The same effect in whole µ¥: the event's rounded revenue − rounded base revenue apportioned over its fired rules by largest
/// remainder (<see cref="Money.Apportion"/>), so the rules' µ¥ add up exactly to what the event's stored amounts say they changed.
/// </param>
public record struct RuleEffect(int Ordinal, decimal Exact, long Micros);
