namespace TokenConsole.Features.Usage;

/// <summary>
/// One model call that consumed tokens. <see cref="EventId"/> is the client's idempotency key. Stored in a table per UTC
/// day and read through the view that unions them (<see cref="Ingestion.UsageEventTables"/>): written only by SQL of the
/// writer and the demo seeder, never by EF.
/// </summary>
public class UsageEvent
{
    public required string EventId { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public int CustomerId { get; set; }
    public int PackageId { get; set; }
    public int ModelId { get; set; }
    public int PoolId { get; set; }
    public required string RegionCode { get; set; }
    public required string IndustryCode { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    /// <summary>What the event earned, in micro-yuan (10⁻⁶ CNY), rated when it was ingested and rounded once to the µ¥.</summary>
    public long RevenueMicros { get; set; }
    /// <summary>What the event cost in compute, in micro-yuan.</summary>
    public long ComputeCostMicros { get; set; }
    public DateTimeOffset IngestedAt { get; set; }
}

/// <summary>
/// Usage summed per hour × region × industry × model × package × pool. Heatmaps and reports read these,
/// never raw events. The pool is part of the key so that capacity pages can find each pool's busiest hour.
/// </summary>
public class UsageRollup
{
    /// <summary>Start of the hour, UTC.</summary>
    public DateTime Hour { get; set; }
    public required string RegionCode { get; set; }
    public required string IndustryCode { get; set; }
    public int ModelId { get; set; }
    public int PackageId { get; set; }
    public int PoolId { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long Calls { get; set; }
    /// <summary>Summed revenue in micro-yuan: integers, so SQL sums them exactly.</summary>
    public long RevenueMicros { get; set; }
    public long ComputeCostMicros { get; set; }
}

/// <summary>
/// Usage per Beijing day × region × industry: the consumption heatmap's table. Small (at most 90 × 31 × 15 rows for
/// 90 days), so the whole-country heatmap is a short scan however many events there are. Filtered views (segment,
/// model, package) read the hourly rollups instead.
/// </summary>
public class RegionIndustryDaily
{
    /// <summary>Midnight Beijing time of the day, as UTC.</summary>
    public DateTime Day { get; set; }
    public required string RegionCode { get; set; }
    public required string IndustryCode { get; set; }
    public long Tokens { get; set; }
    public long Calls { get; set; }
    /// <summary>Summed usage charges (overage and pay-as-you-go) in micro-yuan: integers, so SQL sums them exactly.</summary>
    public long RevenueMicros { get; set; }
    public long ComputeCostMicros { get; set; }
    /// <summary>Recognized fees, top-up packs and credit notes of the day (see <c>Billing.RevenueDaily</c>), summed over packages.</summary>
    public long FeeMicros { get; set; }
    public long TopUpMicros { get; set; }
    public long CreditMicros { get; set; }

    /// <summary>Recognized revenue: fees + top-ups + usage charges − credit notes.</summary>
    public long TotalRevenueMicros => FeeMicros + TopUpMicros + RevenueMicros - CreditMicros;
}

/// <summary>
/// Usage per hour × region × industry: the hourly rollups summed over models, packages and pools, for the unfiltered
/// heatmap's part-days (today, and the first part-day of the period before one that ends now). At most 465 rows an
/// hour, where the hourly rollups hold ~15,000. Written beside them, in the same transaction, from the same sums.
/// </summary>
public class RegionIndustryHourly
{
    /// <summary>Start of the hour, UTC.</summary>
    public DateTime Hour { get; set; }
    public required string RegionCode { get; set; }
    public required string IndustryCode { get; set; }
    public long Tokens { get; set; }
    public long Calls { get; set; }
    public long RevenueMicros { get; set; }
    public long ComputeCostMicros { get; set; }
}

/// <summary>
/// <see cref="RegionIndustryDaily"/> summed per Beijing month: the executive report's places for a period's whole
/// months (465 rows a month, where a quarter of days is 42,000 that SQLite had to sort by cell, 33 ms of the report).
/// Written beside the daily rows, in the same transactions, from the same sums.
/// </summary>
public class RegionIndustryMonthly
{
    /// <summary>Midnight Beijing time of the month's first day, as UTC.</summary>
    public DateTime Month { get; set; }
    public required string RegionCode { get; set; }
    public required string IndustryCode { get; set; }
    public long Tokens { get; set; }
    public long Calls { get; set; }
    public long RevenueMicros { get; set; }
    public long ComputeCostMicros { get; set; }
    public long FeeMicros { get; set; }
    public long TopUpMicros { get; set; }
    public long CreditMicros { get; set; }
}

/// <summary>
/// Usage per Beijing day × package × model, and the fees, top-ups and credit notes of the day per package (model 0: a
/// fee buys an allowance, not a model; package 0: credit notes, which belong to the customer): the executive report's
/// model and package breakdowns. A few hundred rows a day however dense the traffic (packages × models), where the
/// hourly rollups hold ~15,000 an hour: a quarter's report summed ~11M of those (40 s) for what these give in 30,000.
/// Written beside the hourly rollups (usage writer) and beside <c>RevenueDaily</c> (fee recognizer, credit notes), in
/// the same transactions, from the same sums.
/// </summary>
public class PackageModelDaily
{
    /// <summary>Midnight Beijing time of the day, as UTC.</summary>
    public DateTime Day { get; set; }
    public int PackageId { get; set; }
    public int ModelId { get; set; }
    public long Tokens { get; set; }
    public long Calls { get; set; }
    /// <summary>Summed usage charges in micro-yuan: integers, so SQL sums them exactly.</summary>
    public long RevenueMicros { get; set; }
    public long ComputeCostMicros { get; set; }
    public long FeeMicros { get; set; }
    public long TopUpMicros { get; set; }
    public long CreditMicros { get; set; }
}

/// <summary>
/// A customer's Beijing month: usage (summed over models) and recognized fees, top-ups and credit notes — the
/// executive report's customers and segments. A quarter is three rows a customer here, where the daily tables hold
/// ~90 × (models + packages): at 2,000 customers that was 1.5M rows summed per report. Written beside
/// <see cref="CustomerDailyUsage"/> (usage writer) and beside <c>RevenueDaily</c> (fee recognizer, credit notes), in
/// the same transactions, from the same sums.
/// </summary>
public class CustomerMonthly
{
    /// <summary>Midnight Beijing time of the month's first day, as UTC.</summary>
    public DateTime Month { get; set; }
    public int CustomerId { get; set; }
    public long Tokens { get; set; }
    /// <summary>Summed usage charges in micro-yuan: integers, so SQL sums them exactly.</summary>
    public long RevenueMicros { get; set; }
    public long ComputeCostMicros { get; set; }
    public long FeeMicros { get; set; }
    public long TopUpMicros { get; set; }
    public long CreditMicros { get; set; }
}

/// <summary>Usage per customer per Beijing day and model: for top-customer lists and active-customer counts.</summary>
public class CustomerDailyUsage
{
    public DateTime Day { get; set; }
    public int CustomerId { get; set; }
    public int ModelId { get; set; }
    public long Tokens { get; set; }
    public long Calls { get; set; }
    /// <summary>Summed usage charges in micro-yuan: integers, so SQL sums them exactly.</summary>
    public long RevenueMicros { get; set; }
    public long ComputeCostMicros { get; set; }
    /// <summary>Billable tokens (× multiplier) drawn from the subscription's buckets.</summary>
    public decimal BucketTokens { get; set; }
    /// <summary>Billable tokens beyond the buckets, charged at the overage price (and the price rules).</summary>
    public decimal OverageTokens { get; set; }
    /// <summary>What <see cref="OverageTokens"/> would have cost at the overage price alone: the bill shows the rules' effect.</summary>
    public long BaseRevenueMicros { get; set; }
    /// <summary>Billable tokens beyond a stop-at-limit subscription's buckets that still arrived: rated at zero, flagged for operations.</summary>
    public decimal LeakageTokens { get; set; }
}

/// <summary>
/// What each price rule did to a customer's usage of a model on a Beijing day, recorded when the usage was rated (rules
/// have hour windows, days of the week and monthly-volume scopes: they cannot be re-derived from the daily totals). Only
/// rules that fired have a row. The <see cref="EffectMicros"/> of a day's rows add up exactly to that day's
/// <see cref="CustomerDailyUsage.RevenueMicros"/> − <see cref="CustomerDailyUsage.BaseRevenueMicros"/>.
/// </summary>
public class CustomerDailyRuleEffect
{
    public DateTime Day { get; set; }
    public int CustomerId { get; set; }
    public int ModelId { get; set; }
    /// <summary>The price-rule set version that rated the usage (<c>PriceRuleSetVersion.Number</c>).</summary>
    public int RuleSetVersion { get; set; }
    /// <summary>The rule's position in that version's workflow JSON: its name is read from there.</summary>
    public int RuleOrdinal { get; set; }
    /// <summary>Σ (price after the rule − price before it), in whole µ¥ (apportioned per event by largest remainder).</summary>
    public long EffectMicros { get; set; }
    /// <summary>Billable tokens beyond the buckets the rule priced.</summary>
    public decimal Tokens { get; set; }
}
