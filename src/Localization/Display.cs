using System.Globalization;
using System.Resources;
using TokenConsole.Data;

namespace TokenConsole.Localization;

/// <summary>
/// Numbers, money, dates and times for people, in the current culture: Chinese counts large numbers in 万 (10⁴) and 亿
/// (10⁸), English in K, M and B with thousands separators. Money is always CNY (¥). Every date and time the console
/// shows is formatted here, in Beijing time (the office's calendar, <see cref="BusinessCalendar"/>), one format per
/// language: 2026年11月11日 20:38 北京时间 / 11 Nov 2026 20:38 Beijing time.
/// </summary>
public static class Display
{
    // The zone's name comes from the shared resources like every other string; this class is static, so it reads them
    // through their ResourceManager rather than an injected localizer.
    private static readonly ResourceManager Resources = new(typeof(SharedResource));

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

    /// <summary>An instant as the Beijing wall-clock time (UTC+8), whatever the server's time zone.</summary>
    public static DateTime Beijing(DateTimeOffset at) => BusinessCalendar.ToLocal(at.UtcDateTime);

    /// <summary>A calendar day: 2026年11月11日 / 11 Nov 2026.</summary>
    public static string Date(DateOnly date, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        return date.ToString(DatePattern(culture), culture);
    }

    /// <summary>The Beijing day of an instant: 2026年11月11日 / 11 Nov 2026.</summary>
    public static string Date(DateTimeOffset at, CultureInfo? culture = null) => Date(DateOnly.FromDateTime(Beijing(at)), culture);

    /// <summary>The pattern of <see cref="Date(DateOnly, CultureInfo?)"/>, for the date pickers' DateFormat.</summary>
    public static string DatePattern(CultureInfo? culture = null) => IsChinese(culture) ? "yyyy年M月d日" : "d MMM yyyy";

    /// <summary>A month: 2026年11月 / Nov 2026.</summary>
    public static string Month(DateOnly month, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        return month.ToString(IsChinese(culture) ? "yyyy年M月" : "MMM yyyy", culture);
    }

    /// <summary>
    /// The Beijing time of an instant on the 24-hour clock, with its zone so that nobody reads it as their own:
    /// 20:38 北京时间 / 20:38 Beijing time (with seconds for a live clock).
    /// </summary>
    public static string Time(DateTimeOffset at, bool seconds = false, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        return $"{Beijing(at).ToString(seconds ? "HH:mm:ss" : "HH:mm", CultureInfo.InvariantCulture)} {Zone(culture)}";
    }

    /// <summary>Day and Beijing time of an instant: 2026年11月11日 20:38 北京时间 / 11 Nov 2026 20:38 Beijing time.</summary>
    public static string DateTime(DateTimeOffset at, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        return $"{Date(at, culture)} {Time(at, culture: culture)}";
    }

    /// <summary>The zone's name in the language of <paramref name="culture"/>.</summary>
    public static string Zone(CultureInfo? culture = null) =>
        Resources.GetString("Beijing time", culture ?? CultureInfo.CurrentUICulture) ?? "Beijing time";

    private static string Scaled(decimal value, string unit, CultureInfo culture, bool grouping = true) =>
        value.ToString(Math.Abs(value) >= 100 ? (grouping ? "#,0" : "0") : Math.Abs(value) >= 10 ? "0.#" : "0.##", culture) + unit;
}
