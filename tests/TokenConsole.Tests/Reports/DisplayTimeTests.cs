using System.Globalization;
using TokenConsole.Localization;

namespace TokenConsole.Tests.Reports;

/// <summary>One format per language for dates and times, always in Beijing time, whatever the server's time zone.</summary>
public sealed class DisplayTimeTests
{
    private static readonly CultureInfo Zh = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en");
    // 12:38 UTC on 11 November is 20:38 in Beijing; 18:05 UTC on the 30th is already 1 December there.
    private static readonly DateTimeOffset Evening = new(2026, 11, 11, 12, 38, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset PastMidnight = new(2026, 11, 30, 18, 5, 0, TimeSpan.Zero);

    [Fact]
    public void English_dates_and_times_are_day_month_year_and_24_hour_Beijing_time_with_the_zone()
    {
        Assert.Equal("11 Nov 2026", Display.Date(new DateOnly(2026, 11, 11), En));
        Assert.Equal("4 Aug 2026", Display.Date(new DateOnly(2026, 8, 4), En));
        Assert.Equal("20:38 Beijing time", Display.Time(Evening, culture: En));
        Assert.Equal("20:38:05 Beijing time", Display.Time(Evening, seconds: true, culture: En));
        Assert.Equal("11 Nov 2026 20:38 Beijing time", Display.DateTime(Evening, En));
        Assert.Equal("1 Dec 2026 02:05 Beijing time", Display.DateTime(PastMidnight, En));
        Assert.Equal("1 Dec 2026", Display.Date(PastMidnight, En));
        Assert.Equal("Nov 2026", Display.Month(new DateOnly(2026, 11, 1), En));
        // The date pickers show their dates the same way.
        Assert.Equal("11 Nov 2026", new DateTime(2026, 11, 11).ToString(Display.DatePattern(En), En));
    }

    [Fact]
    public void Chinese_dates_and_times_are_year_month_day_and_24_hour_Beijing_time_with_the_zone()
    {
        Assert.Equal("2026年11月11日", Display.Date(new DateOnly(2026, 11, 11), Zh));
        Assert.Equal("2026年8月4日", Display.Date(new DateOnly(2026, 8, 4), Zh));
        Assert.Equal("20:38 北京时间", Display.Time(Evening, culture: Zh));
        Assert.Equal("2026年11月11日 20:38 北京时间", Display.DateTime(Evening, Zh));
        Assert.Equal("2026年12月1日 02:05 北京时间", Display.DateTime(PastMidnight, Zh));
        Assert.Equal("2026年11月", Display.Month(new DateOnly(2026, 11, 1), Zh));
        Assert.Equal("2026年11月11日", new DateTime(2026, 11, 11).ToString(Display.DatePattern(Zh), Zh));
    }

    [Fact]
    public void An_instant_with_any_offset_is_shown_in_Beijing_time()
    {
        var newYork = new DateTimeOffset(2026, 11, 11, 7, 38, 0, TimeSpan.FromHours(-5));
        Assert.Equal("20:38 Beijing time", Display.Time(newYork, culture: En));
    }
}
