using System.Globalization;
using TokenConsole.Localization;

namespace TokenConsole.Features.Reports;

/// <summary>
/// Numbers in the report's tables: 万/亿 in Chinese, whole numbers with thousands separators in English (an executive
/// copying a figure wants all of it). KPI cards use <c>Display.Compact</c> in both languages.
/// </summary>
public static class ReportFormat
{
    public static string Count(decimal value) => Display.IsChinese() && Math.Abs(value) >= 1e4m ? Display.Compact(value) : Display.Number(value);

    public static string Money(decimal value) =>
        Display.IsChinese() && Math.Abs(value) >= 1e4m ? Display.Money(value, compact: true) : (value < 0 ? "-" : "") + "¥" + Math.Abs(value).ToString("#,0", CultureInfo.CurrentCulture);

    public static string Ratio(decimal? value) => value is null ? "—" : Display.Percent(value.Value);

    /// <summary>A change of a ratio in percentage points: +2.1 pp / +2.1 个百分点.</summary>
    public static string Points(decimal difference, string unit) =>
        (difference >= 0 ? "+" : "−") + (Math.Abs(difference) * 100).ToString("0.0", CultureInfo.CurrentCulture) + " " + unit;

    public static string Date(DateOnly date) => Display.Date(date);

    public static string Range(ReportPeriod period) => $"{Date(period.From)} – {Date(period.To)}";
}
