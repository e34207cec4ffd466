using TokenConsole.Data;

namespace TokenConsole.Features.Usage;

public enum HeatmapMetric { Tokens, Calls, Revenue, GrossMargin, Growth }

public enum HeatmapPeriod { Today, Days7, Days30, Days90, Custom }

/// <summary>What the consumption page asks for: a period, a metric and optional filters.</summary>
public sealed record HeatmapQuery(
    HeatmapMetric Metric = HeatmapMetric.Tokens,
    HeatmapPeriod Period = HeatmapPeriod.Days30,
    DateOnly? From = null,
    DateOnly? To = null,
    CustomerSegment? Segment = null,
    int? ModelId = null,
    int? PackageId = null);

/// <summary>
/// Sums of one cell, region, industry or the whole period; money in micro-yuan, summed exactly as integers.
/// <see cref="RevenueMicros"/> is recognized revenue: fees + top-ups + usage charges − credit notes (usage charges only under a model filter).
/// </summary>
public readonly record struct UsageTotals(long Tokens, long Calls, long RevenueMicros, long ComputeCostMicros)
{
    public decimal Revenue => Money.FromMicros(RevenueMicros);
    public decimal ComputeCost => Money.FromMicros(ComputeCostMicros);
    public decimal GrossMargin => Money.FromMicros(RevenueMicros - ComputeCostMicros);

    public static UsageTotals operator +(UsageTotals a, UsageTotals b) =>
        new(a.Tokens + b.Tokens, a.Calls + b.Calls, a.RevenueMicros + b.RevenueMicros, a.ComputeCostMicros + b.ComputeCostMicros);

    public decimal Value(HeatmapMetric metric) => metric switch
    {
        HeatmapMetric.Calls => Calls,
        HeatmapMetric.Revenue => Revenue,
        HeatmapMetric.GrossMargin => GrossMargin,
        _ => Tokens,
    };
}

/// <summary>The heatmap: each region × industry cell this period and the period before, with the totals.</summary>
public sealed record Heatmap(
    DateTime FromUtc,
    DateTime ToUtc,
    IReadOnlyDictionary<(string Region, string Industry), UsageTotals> Cells,
    IReadOnlyDictionary<(string Region, string Industry), UsageTotals> PreviousCells)
{
    /// <summary>Where the period compared with begins.</summary>
    public DateTime PreviousFromUtc { get; init; }

    /// <summary>The first hour with usage in the rollups; null when there is none.</summary>
    public DateTime? DataFromUtc { get; init; }

    /// <summary>Whether the data covers the period compared with (from its first day), so that a change against it means something.</summary>
    public bool HasPreviousData => DataFromUtc is { } first && BusinessCalendar.DayStartUtc(first) <= PreviousFromUtc;

    public UsageTotals Total => Sum(Cells.Values);
    public UsageTotals PreviousTotal => Sum(PreviousCells.Values);

    public UsageTotals Region(string code) => Sum(Cells.Where(c => c.Key.Region == code).Select(c => c.Value));
    public UsageTotals Industry(string code) => Sum(Cells.Where(c => c.Key.Industry == code).Select(c => c.Value));

    /// <summary>The value shown in a cell for the metric; growth is tokens against the previous period (null when there was none).</summary>
    public decimal? Value(string region, string industry, HeatmapMetric metric)
    {
        var current = Cells.GetValueOrDefault((region, industry));
        if (metric != HeatmapMetric.Growth)
        {
            return current.Value(metric);
        }
        var previous = PreviousCells.GetValueOrDefault((region, industry));
        return previous.Tokens == 0 ? null : (decimal)current.Tokens / previous.Tokens - 1;
    }

    private static UsageTotals Sum(IEnumerable<UsageTotals> totals) => totals.Aggregate(default(UsageTotals), (a, b) => a + b);
}
