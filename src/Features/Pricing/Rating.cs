using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>What is known about one usage event when it is priced.</summary>
/// <param name="CustomerMonthlyTokens">Tokens the customer used earlier in the same Beijing calendar month, before this event.</param>
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
    long CustomerMonthlyTokens);

/// <summary>
/// The price of one event in micro-yuan (10⁻⁶ CNY): what it earns, what it would have earned at the base price, and what it
/// costs. Computed in <see cref="decimal"/> and rounded once, half away from zero, to the µ¥: that is the stored amount.
/// </summary>
/// <param name="RuleSetVersion">The price-rule set version that priced it; 0 when no rules are active.</param>
public readonly record struct Rating(long RevenueMicros, long BaseRevenueMicros, long ComputeCostMicros, int RuleSetVersion)
{
    public decimal Revenue => Money.FromMicros(RevenueMicros);
    public decimal BaseRevenue => Money.FromMicros(BaseRevenueMicros);
    public decimal ComputeCost => Money.FromMicros(ComputeCostMicros);
}

/// <summary>Prices usage events. Called on the ingestion hot path: implementations must be synchronous and allocation-light.</summary>
public interface IRatingEngine
{
    Rating Rate(in UsageContext context);
}
