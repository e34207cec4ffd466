using TokenConsole.Data;

namespace TokenConsole.Tests.Data;

public sealed class BusinessCalendarTests
{
    [Fact]
    public void A_month_starts_at_midnight_Beijing_time()
    {
        // 1 December 02:00 in Beijing is still 30 November in UTC.
        var now = new DateTimeOffset(2026, 11, 30, 18, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTime(2026, 11, 30, 16, 0, 0, DateTimeKind.Utc), BusinessCalendar.MonthStartUtc(now));
        Assert.Equal(new DateTime(2026, 10, 31, 16, 0, 0, DateTimeKind.Utc), BusinessCalendar.MonthStartUtc(now.AddHours(-3)));
    }

    [Fact]
    public void A_day_starts_at_midnight_Beijing_time()
    {
        Assert.Equal(new DateTime(2026, 11, 27, 16, 0, 0, DateTimeKind.Utc), BusinessCalendar.DayStartUtc(new DateTime(2026, 11, 28, 3, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2026, 11, 28, 16, 0, 0, DateTimeKind.Utc), BusinessCalendar.DayStartUtc(new DateTime(2026, 11, 28, 17, 0, 0, DateTimeKind.Utc)));
    }
}
