using System.Globalization;

namespace TokenConsole.Localization;

/// <summary>
/// Numbers and money for people, in the current culture: Chinese counts large numbers in 万 (10⁴) and 亿 (10⁸),
/// English in K, M and B with thousands separators. Money is always CNY (¥).
/// </summary>
public static class Display
{
    public static bool IsChinese(CultureInfo? culture = null) =>
        (culture ?? CultureInfo.CurrentCulture).TwoLetterISOLanguageName == "zh";

    /// <summary>A large number made short: 1.23亿 / 4,567万 in Chinese, 123.4M / 4.57K in English.</summary>
    public static string Compact(double value, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var abs = Math.Abs(value);
        if (IsChinese(culture))
        {
            // Chinese writes 1200万, not 1,200万: the unit already groups the digits.
            return abs >= 1e8 ? Scaled(value / 1e8, "亿", culture, grouping: false)
                : abs >= 1e4 ? Scaled(value / 1e4, "万", culture, grouping: false)
                : value.ToString("#,0.##", culture);
        }
        return abs >= 1e9 ? Scaled(value / 1e9, "B", culture)
            : abs >= 1e6 ? Scaled(value / 1e6, "M", culture)
            : abs >= 1e3 ? Scaled(value / 1e3, "K", culture)
            : value.ToString("#,0.##", culture);
    }

    /// <summary>A whole number with thousands separators.</summary>
    public static string Number(double value, CultureInfo? culture = null) =>
        value.ToString("#,0", culture ?? CultureInfo.CurrentCulture);

    /// <summary>Money in CNY: compact for KPI cards, exact to the fen otherwise.</summary>
    public static string Money(double value, bool compact = false, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var sign = value < 0 ? "-" : "";
        var text = compact ? Compact(Math.Abs(value), culture) : Math.Abs(value).ToString("#,0.00", culture);
        return $"{sign}¥{text}";
    }

    /// <summary>A ratio as a percentage, e.g. 0.1234 → 12.3%.</summary>
    public static string Percent(double ratio, CultureInfo? culture = null) =>
        (ratio * 100).ToString("0.0", culture ?? CultureInfo.CurrentCulture) + "%";

    /// <summary>A change as a signed percentage, e.g. +12.3% or −4.0%; empty when there is nothing to compare with.</summary>
    public static string Change(double? ratio, CultureInfo? culture = null) =>
        ratio is null || double.IsNaN(ratio.Value) || double.IsInfinity(ratio.Value)
            ? "—"
            : (ratio.Value >= 0 ? "+" : "−") + Percent(Math.Abs(ratio.Value), culture);

    private static string Scaled(double value, string unit, CultureInfo culture, bool grouping = true) =>
        value.ToString(Math.Abs(value) >= 100 ? (grouping ? "#,0" : "0") : Math.Abs(value) >= 10 ? "0.#" : "0.##", culture) + unit;
}
