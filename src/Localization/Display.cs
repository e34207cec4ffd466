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
    public static string Compact(double value, CultureInfo? culture = null) =>
        double.IsFinite(value) && Math.Abs(value) < 1e20 ? Compact((decimal)value, culture) : value.ToString(culture ?? CultureInfo.CurrentCulture);

    public static string Compact(long value, CultureInfo? culture = null) => Compact((decimal)value, culture);

    /// <summary>A large number or amount made short, in decimal so that money never passes through a double.</summary>
    public static string Compact(decimal value, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var abs = Math.Abs(value);
        if (IsChinese(culture))
        {
            // Chinese writes 1200万, not 1,200万: the unit already groups the digits.
            return abs >= 1e8m ? Scaled(value / 1e8m, "亿", culture, grouping: false)
                : abs >= 1e4m ? Scaled(value / 1e4m, "万", culture, grouping: false)
                : value.ToString("#,0.##", culture);
        }
        return abs >= 1e9m ? Scaled(value / 1e9m, "B", culture)
            : abs >= 1e6m ? Scaled(value / 1e6m, "M", culture)
            : abs >= 1e3m ? Scaled(value / 1e3m, "K", culture)
            : value.ToString("#,0.##", culture);
    }

    /// <summary>A whole number with thousands separators.</summary>
    public static string Number(double value, CultureInfo? culture = null) =>
        value.ToString("#,0", culture ?? CultureInfo.CurrentCulture);

    public static string Number(long value, CultureInfo? culture = null) =>
        value.ToString("#,0", culture ?? CultureInfo.CurrentCulture);

    public static string Number(decimal value, CultureInfo? culture = null) =>
        value.ToString("#,0", culture ?? CultureInfo.CurrentCulture);

    /// <summary>Money in CNY: compact for KPI cards, to the fen otherwise (rounded half away from zero, once, here).</summary>
    public static string Money(decimal value, bool compact = false, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var fen = Data.Money.ToFen(value);
        var sign = fen < 0 ? "-" : "";
        var text = compact ? Compact(Math.Abs(fen), culture) : Math.Abs(fen).ToString("#,0.00", culture);
        return $"{sign}¥{text}";
    }

    /// <summary>Micro-yuan as money in CNY.</summary>
    public static string Micros(long micros, bool compact = false, CultureInfo? culture = null) =>
        Money(Data.Money.FromMicros(micros), compact, culture);

    /// <summary>A ratio as a percentage, e.g. 0.1234 → 12.3%.</summary>
    public static string Percent(decimal ratio, CultureInfo? culture = null) =>
        (ratio * 100).ToString("0.0", culture ?? CultureInfo.CurrentCulture) + "%";

    /// <summary>A change as a signed percentage; empty when there is nothing to compare with.</summary>
    public static string Change(decimal? ratio, CultureInfo? culture = null) =>
        ratio is null ? "—" : (ratio.Value >= 0 ? "+" : "−") + Percent(Math.Abs(ratio.Value), culture);

    /// <summary>A ratio as a percentage, e.g. 0.1234 → 12.3%.</summary>
    public static string Percent(double ratio, CultureInfo? culture = null) =>
        (ratio * 100).ToString("0.0", culture ?? CultureInfo.CurrentCulture) + "%";

    /// <summary>A change as a signed percentage, e.g. +12.3% or −4.0%; empty when there is nothing to compare with.</summary>
    public static string Change(double? ratio, CultureInfo? culture = null) =>
        ratio is null || double.IsNaN(ratio.Value) || double.IsInfinity(ratio.Value)
            ? "—"
            : (ratio.Value >= 0 ? "+" : "−") + Percent(Math.Abs(ratio.Value), culture);

    private static string Scaled(decimal value, string unit, CultureInfo culture, bool grouping = true) =>
        value.ToString(Math.Abs(value) >= 100 ? (grouping ? "#,0" : "0") : Math.Abs(value) >= 10 ? "0.#" : "0.##", culture) + unit;
}
