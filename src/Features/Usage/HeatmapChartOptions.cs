using System.Globalization;
using TokenConsole.Data;
using TokenConsole.Localization;

namespace TokenConsole.Features.Usage;

/// <summary>The ApexCharts options of the region × industry heatmap, with a colour scale fitted to the values.</summary>
public static class HeatmapChartOptions
{
    private static readonly string[] Blues = ["#dbe9fb", "#a9ccf4", "#6fa6e8", "#3b7dd8", "#1f5fbf", "#12397a"];

    /// <summary>A short industry name for the axis: the part before " &amp; " or " (" ("Manufacturing"), or before 与 in Chinese.</summary>
    public static string ShortName(Industry industry, bool chinese)
    {
        var name = industry.Name(chinese);
        var cut = chinese ? name.IndexOf('与', StringComparison.Ordinal) : name.IndexOfAny(['&', '(']);
        return cut > 0 ? name[..cut].Trim() : name;
    }

    /// <summary>
    /// The regions in series order: smallest first, because ApexCharts draws the last series at the top. A clicked
    /// cell's series index is an index into this list.
    /// </summary>
    public static IReadOnlyList<Region> SeriesOrder(Heatmap heatmap, IEnumerable<Region> regions) =>
        [.. regions.OrderBy(r => heatmap.Region(r.Code).Tokens)];

    /// <param name="ordered">The regions in <see cref="SeriesOrder"/>.</param>
    /// <param name="ranges">A colour scale of the caller's (the price-change simulation's delta), instead of the fitted one.</param>
    public static object Build(Heatmap heatmap, IReadOnlyList<Region> ordered, IReadOnlyList<Industry> industries, HeatmapMetric metric, string noUsage,
        object[]? ranges = null)
    {
        var chinese = Display.IsChinese();
        var values = ordered.SelectMany(r => industries.Select(i => heatmap.Value(r.Code, i.Code, metric))).ToList();
        var series = ordered.Select(r => new
        {
            name = r.Name(chinese),
            data = industries.Select(i => new { x = ShortName(i, chinese), y = Math.Round(heatmap.Value(r.Code, i.Code, metric) ?? 0, metric == HeatmapMetric.Growth ? 4 : 2, MidpointRounding.AwayFromZero) }),
        });
        return new
        {
            chart = new { type = "heatmap", height = Math.Max(520, ordered.Count * 22 + 90), toolbar = new { show = false } },
            series,
            dataLabels = new { enabled = false },
            stroke = new { width = 1 },
            legend = new { show = true, position = "top" },
            xaxis = new { labels = new { rotate = -45, rotateAlways = false, trim = false } },
            // On a phone the chart fits the window (wwwroot/css/app.css) so the province names stay beside their rows;
            // the industry names then stand upright under their narrow columns instead of running off the left edge.
            responsive = NarrowLabels,
            states = new { active = new { filter = new { type = "none" } } },
            plotOptions = new
            {
                heatmap = new
                {
                    enableShades = false,
                    radius = 2,
                    colorScale = new { ranges = ranges ?? (metric == HeatmapMetric.Growth ? GrowthRanges() : ScaleRanges(values, metric, noUsage)) },
                },
            },
            tcFormat = metric switch { HeatmapMetric.Revenue or HeatmapMetric.GrossMargin => "money", HeatmapMetric.Growth => "percent", _ => "compact" },
        };
    }

    /// <summary>ApexCharts' options below 600 px of window: upright x-axis labels, trimmed to a height the chart can hold.</summary>
    public static readonly object[] NarrowLabels =
    [
        new { breakpoint = 600, options = new { xaxis = new { labels = new { rotate = -90, rotateAlways = true, trim = true, maxHeight = 110, style = new { fontSize = "10px" } } } } },
    ];

    /// <summary>Six bands between the smallest and largest positive value, evenly on a log scale, plus grey for no usage.</summary>
    /// <remarks>
    /// The band edges are colour thresholds, found on a log scale (Math.Log10 and Math.Pow work in floating point); each is
    /// turned into a decimal rounded to 4 decimals before it reaches the payload or a label, so no money travels as a double.
    /// </remarks>
    private static object[] ScaleRanges(List<decimal?> values, HeatmapMetric metric, string noUsage)
    {
        var positive = values.Where(v => v > 0).Select(v => v!.Value).ToList();
        var ranges = new List<object> { new { from = -1e15m, to = 0m, color = "#eef1f5", name = noUsage } };
        if (positive.Count == 0)
        {
            return [.. ranges];
        }
        var (low, high) = (Math.Log10((double)positive.Min()), Math.Log10((double)positive.Max()) + 1e-9);
        for (var i = 0; i < Blues.Length; i++)
        {
            var from = Edge(low + (high - low) * i / Blues.Length);
            var to = Edge(low + (high - low) * (i + 1) / Blues.Length);
            var label = metric is HeatmapMetric.Revenue or HeatmapMetric.GrossMargin
                ? $"{Display.Money(from, compact: true)}–{Display.Money(to, compact: true)}"
                : $"{Display.Compact(from)}–{Display.Compact(to)}";
            ranges.Add(new { from = i == 0 ? 0.000001m : from, to = i == Blues.Length - 1 ? 1e15m : to, color = Blues[i], name = label });
        }
        return [.. ranges];
    }

    private static decimal Edge(double log10) => Math.Round((decimal)Math.Pow(10, log10), 4, MidpointRounding.AwayFromZero);

    private static object[] GrowthRanges() =>
    [
        new { from = -1e9m, to = -0.2m, color = "#c62828", name = "< −20%" },
        new { from = -0.2m, to = -0.05m, color = "#ef9a9a", name = "−20% … −5%" },
        new { from = -0.05m, to = 0.05m, color = "#eceff1", name = "±5%" },
        new { from = 0.05m, to = 0.2m, color = "#a5d6a7", name = "+5% … +20%" },
        new { from = 0.2m, to = 1e9m, color = "#2e7d32", name = "> +20%" },
    ];

    public static string Format(decimal value, HeatmapMetric metric) => metric switch
    {
        HeatmapMetric.Revenue or HeatmapMetric.GrossMargin => Display.Money(value, compact: true),
        HeatmapMetric.Growth => Display.Change(value, CultureInfo.CurrentCulture),
        _ => Display.Compact(value),
    };
}
