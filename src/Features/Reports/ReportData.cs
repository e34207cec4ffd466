using TokenConsole.Data;

namespace TokenConsole.Features.Reports;

/// <summary>
/// A figure of the period beside the same figure of the previous period. <paramref name="Comparable"/> is false when
/// the data does not cover the previous period (it begins later): a change against it would be a figure of nothing.
/// </summary>
public sealed record ReportKpi(decimal Value, decimal Previous, bool Comparable = true)
{
    /// <summary>The change as a ratio (0.1 = +10 %); null when the previous period had nothing to compare with.</summary>
    public decimal? Change => Comparable && Previous > 0 ? Value / Previous - 1 : null;

    /// <summary>For ratios (the margin): the change in percentage points, as a ratio (0.021 = +2.1 points).</summary>
    public decimal PointChange => Value - Previous;
}

/// <param name="ActiveCustomers">Customers with an active subscription in the period (a suspended one counts: its fee runs on).</param>
/// <param name="RevenuePerCustomer">ARPU: revenue ÷ <paramref name="ActiveCustomers"/>.</param>
public sealed record ReportKpis(
    ReportKpi Tokens, ReportKpi Revenue, ReportKpi ComputeCost, ReportKpi GrossMargin, ReportKpi ActiveCustomers, ReportKpi RevenuePerCustomer);

public sealed record DailyPoint(DateOnly Day, long Tokens, decimal Revenue, decimal ComputeCost);

/// <summary>One row of a breakdown (region, industry, segment, model, package) with the previous period beside it; <paramref name="Key"/> is a code, never a database id.</summary>
public sealed record BreakdownRow(string Key, string NameEn, string NameZh, long Tokens, decimal Revenue, decimal ComputeCost, long PreviousTokens, decimal PreviousRevenue, bool Comparable = true)
{
    public string Name(bool chinese) => chinese ? NameZh : NameEn;
    public decimal? GrossMargin => Revenue > 0 ? (Revenue - ComputeCost) / Revenue : null;
    public decimal RevenueDelta => Revenue - PreviousRevenue;
    public decimal? RevenueChange => Comparable && PreviousRevenue > 0 ? Revenue / PreviousRevenue - 1 : null;
}

/// <summary>A cell of the margin heatmap: the rollups' revenue against the model compute cost of the tokens served.</summary>
public sealed record MarginCell(string RegionCode, string IndustryCode, decimal Revenue, decimal ComputeCost)
{
    public decimal? GrossMargin => Revenue > 0 ? (Revenue - ComputeCost) / Revenue : null;
}

public sealed record TopCustomer(int Id, string Code, string NameEn, string NameZh, CustomerSegment Segment, string IndustryCode, string RegionCode,
    long Tokens, decimal Revenue, decimal PreviousRevenue, bool Comparable = true)
{
    public string Name(bool chinese) => chinese ? NameZh : NameEn;
    public decimal? RevenueChange => Comparable && PreviousRevenue > 0 ? Revenue / PreviousRevenue - 1 : null;
}

public sealed record ReportData(
    ReportPeriod Period,
    ReportKpis Kpis,
    IReadOnlyList<DailyPoint> Daily,
    IReadOnlyList<BreakdownRow> Regions,
    IReadOnlyList<BreakdownRow> Industries,
    IReadOnlyList<BreakdownRow> Segments,
    IReadOnlyList<BreakdownRow> Models,
    IReadOnlyList<BreakdownRow> Packages,
    IReadOnlyList<MarginCell> Heatmap,
    IReadOnlyList<TopCustomer> TopCustomers,
    // The first Beijing day with usage in the rollups (null when there is none).
    DateOnly? DataFrom)
{
    /// <summary>Whether the data covers the previous period, so that changes against it mean something.</summary>
    public bool HasPreviousData => DataFrom is { } first && first <= Period.Previous.From;

    public const int MoversShown = 5;
    public const int TopCustomersShown = 10;

    /// <summary>The regions whose revenue grew most against the previous period, in CNY.</summary>
    public IReadOnlyList<BreakdownRow> TopMovers => !HasPreviousData ? [] : [.. Regions.Where(r => r.RevenueDelta > 0).OrderByDescending(r => r.RevenueDelta).Take(MoversShown)];

    /// <summary>The regions whose revenue fell most (or grew least when none fell).</summary>
    public IReadOnlyList<BreakdownRow> BottomMovers => !HasPreviousData ? [] : [.. Regions.Except(TopMovers).OrderBy(r => r.RevenueDelta).Take(MoversShown)];

    /// <summary>Recognized revenue by kind, this period and the one before (their totals are the revenue KPI).</summary>
    public RevenueSplit Split { get; init; } = new(0, 0, 0, 0);
    public RevenueSplit PreviousSplit { get; init; } = new(0, 0, 0, 0);

    /// <summary>Allowance paid for and not used, over the billing periods that ended in the period.</summary>
    public Breakage Breakage { get; init; } = new(0, 0);

    public bool IsEmpty => Kpis.Tokens.Value == 0 && Kpis.Revenue.Value == 0 && Kpis.ActiveCustomers.Value == 0;
}
