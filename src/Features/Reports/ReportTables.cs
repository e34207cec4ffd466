using System.Globalization;
using Microsoft.Extensions.Localization;
using TokenConsole.Localization;

namespace TokenConsole.Features.Reports;

/// <summary>
/// How a column is written: Number is a plain number of mixed meaning (the summary), the others have a format. Money is
/// an amount in CNY, written to the fen; UnitPrice a price per million tokens, written with its own precision (≤ 6 decimals).
/// </summary>
public enum ColumnKind { Text, Date, Number, Count, Money, Ratio, UnitPrice }

public sealed record ExportColumn(string Header, ColumnKind Kind);

/// <summary>
/// One table of the report as plain values (numbers stay numbers), for the CSV and Excel exports. A table whose
/// numeric columns mean something else on each row (the summary) gives each row's kind in <paramref name="RowKinds"/>:
/// its <see cref="ColumnKind.Number"/> cells take that kind.
/// </summary>
public sealed record ExportTable(string Id, string Title, IReadOnlyList<ExportColumn> Columns, IReadOnlyList<object?[]> Rows, IReadOnlyList<ColumnKind>? RowKinds = null)
{
    public ColumnKind KindOf(int row, int column) =>
        Columns[column].Kind == ColumnKind.Number && RowKinds is not null ? RowKinds[row] : Columns[column].Kind;
}

/// <summary>Every table of the report, with headers and names in the current UI language.</summary>
public static class ReportTables
{
    public static readonly IReadOnlyList<string> Ids = ["summary", "revenue", "daily", "regions", "industries", "segments", "models", "packages", "margins", "customers"];

    public static IReadOnlyList<ExportTable> Build(ReportData data, IStringLocalizer L)
    {
        // With no data for the previous period its figures are left empty rather than written as zeros.
        static decimal? Previous(ReportKpi kpi) => kpi.Comparable ? kpi.Previous : null;
        var zh = Display.IsChinese(CultureInfo.CurrentUICulture);
        var regionNames = data.Regions.ToDictionary(r => r.Key, r => r.Name(zh));
        var industryNames = data.Industries.ToDictionary(r => r.Key, r => r.Name(zh));
        string Region(string code) => regionNames.GetValueOrDefault(code, code);
        string Industry(string code) => industryNames.GetValueOrDefault(code, code);

        var summary = new ExportTable("summary", L["Summary"],
            [new(L["Metric"], ColumnKind.Text), new(L["This period"], ColumnKind.Number), new(L["Previous period"], ColumnKind.Number), new(L["Growth"], ColumnKind.Ratio)],
            [
                [L["Tokens"].Value, data.Kpis.Tokens.Value, Previous(data.Kpis.Tokens), data.Kpis.Tokens.Change],
                [L["Revenue (CNY)"].Value, data.Kpis.Revenue.Value, Previous(data.Kpis.Revenue), data.Kpis.Revenue.Change],
                [L["Compute cost (CNY)"].Value, data.Kpis.ComputeCost.Value, Previous(data.Kpis.ComputeCost), data.Kpis.ComputeCost.Change],
                [L["Gross margin (change in points)"].Value, data.Kpis.GrossMargin.Value, Previous(data.Kpis.GrossMargin), data.Kpis.GrossMargin.Comparable ? data.Kpis.GrossMargin.PointChange : null],
                [L["Subscribed customers"].Value, data.Kpis.ActiveCustomers.Value, Previous(data.Kpis.ActiveCustomers), data.Kpis.ActiveCustomers.Change],
                [L["ARPU (CNY)"].Value, data.Kpis.RevenuePerCustomer.Value, Previous(data.Kpis.RevenuePerCustomer), data.Kpis.RevenuePerCustomer.Change],
            ],
            // The summary's columns mix counts, amounts and ratios: each row says which, so each cell gets its format.
            [ColumnKind.Count, ColumnKind.Money, ColumnKind.Money, ColumnKind.Ratio, ColumnKind.Count, ColumnKind.Money]);

        // Revenue by kind: the revenue KPI is the sum of the first four rows (credit notes negative), then breakage and ARPU.
        RevenueSplit split = data.Split, before = data.PreviousSplit;
        decimal? Before(decimal value) => data.HasPreviousData ? value : null;
        var revenue = new ExportTable("revenue", L["Revenue by kind"],
            [new(L["Metric"], ColumnKind.Text), new(L["This period"], ColumnKind.Number), new(L["Previous period"], ColumnKind.Number)],
            [
                [L["Fees (CNY)"].Value, split.Fees, Before(before.Fees)],
                [L["Usage charges (CNY)"].Value, split.Usage, Before(before.Usage)],
                [L["Top-ups (CNY)"].Value, split.TopUps, Before(before.TopUps)],
                [L["Credit notes (CNY)"].Value, -split.Credits, Before(-before.Credits)],
                [L["Revenue (CNY)"].Value, split.Total, Before(before.Total)],
                [L["Breakage"].Value, data.Breakage.Share, null],
                [L["Allowance included (billable tokens)"].Value, data.Breakage.IncludedTokens, null],
                [L["Allowance unused (billable tokens)"].Value, data.Breakage.UnusedTokens, null],
                [L["ARPU (CNY)"].Value, data.Kpis.RevenuePerCustomer.Value, Previous(data.Kpis.RevenuePerCustomer)],
            ],
            [ColumnKind.Money, ColumnKind.Money, ColumnKind.Money, ColumnKind.Money, ColumnKind.Money, ColumnKind.Ratio, ColumnKind.Count, ColumnKind.Count, ColumnKind.Money]);

        var daily = new ExportTable("daily", L["Daily"],
            [new(L["Day"], ColumnKind.Date), new(L["Tokens"], ColumnKind.Count), new(L["Revenue (CNY)"], ColumnKind.Money), new(L["Compute cost (CNY)"], ColumnKind.Money)],
            [.. data.Daily.Select(d => new object?[] { d.Day, d.Tokens, d.Revenue, d.ComputeCost })]);

        ExportTable Breakdown(string id, string title, string keyHeader, IEnumerable<BreakdownRow> rows, Func<BreakdownRow, string> name) =>
            new(id, title,
            [
                new(keyHeader, ColumnKind.Text), new(L["Name"], ColumnKind.Text), new(L["Tokens"], ColumnKind.Count), new(L["Revenue (CNY)"], ColumnKind.Money),
                new(L["Compute cost (CNY)"], ColumnKind.Money), new(L["Gross margin"], ColumnKind.Ratio), new(L["Previous tokens"], ColumnKind.Count),
                new(L["Previous revenue (CNY)"], ColumnKind.Money), new(L["Revenue change"], ColumnKind.Ratio),
            ],
            [.. rows.Select(r => new object?[] { r.Key, name(r), r.Tokens, r.Revenue, r.ComputeCost, r.GrossMargin, r.PreviousTokens, r.PreviousRevenue, r.RevenueChange })]);

        var margins = new ExportTable("margins", L["Margins"],
            [
                new(L["Region"], ColumnKind.Text), new(L["Industry"], ColumnKind.Text), new(L["Revenue (CNY)"], ColumnKind.Money),
                new(L["Compute cost (CNY)"], ColumnKind.Money), new(L["Gross margin"], ColumnKind.Ratio),
            ],
            [.. data.Heatmap.Select(c => new object?[] { Region(c.RegionCode), Industry(c.IndustryCode), c.Revenue, c.ComputeCost, c.GrossMargin })]);

        var customers = new ExportTable("customers", L["Top customers"],
            [
                new(L["Code"], ColumnKind.Text), new(L["Customer"], ColumnKind.Text), new(L["Segment"], ColumnKind.Text), new(L["Industry"], ColumnKind.Text),
                new(L["Region"], ColumnKind.Text), new(L["Tokens"], ColumnKind.Count), new(L["Revenue (CNY)"], ColumnKind.Money),
                new(L["Previous revenue (CNY)"], ColumnKind.Money), new(L["Revenue change"], ColumnKind.Ratio),
            ],
            [.. data.TopCustomers.Select(c => new object?[]
            {
                c.Code, c.Name(zh), L[$"Segment.{c.Segment}"].Value, Industry(c.IndustryCode), Region(c.RegionCode), c.Tokens, c.Revenue, c.PreviousRevenue, c.RevenueChange,
            })]);

        return
        [
            summary, revenue, daily,
            Breakdown("regions", L["Regions"], L["Code"], data.Regions, r => r.Name(zh)),
            Breakdown("industries", L["Industries"], L["Code"], data.Industries, r => r.Name(zh)),
            Breakdown("segments", L["Segments"], L["Code"], data.Segments, r => L[r.NameEn]),
            // Models and packages by their codes: the database ids mean nothing to a reader.
            Breakdown("models", L["Models"], L["Code"], data.Models, r => r.Name(zh)),
            Breakdown("packages", L["Packages"], L["Code"], data.Packages, r => r.Name(zh)),
            margins, customers,
        ];
    }
}
