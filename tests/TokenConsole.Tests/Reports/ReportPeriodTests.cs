using TokenConsole.Features.Reports;

namespace TokenConsole.Tests.Reports;

/// <summary>What a period is compared with: the previous month, quarter or run of whole months, or for any other range the same number of days just before it.</summary>
public sealed class ReportPeriodTests
{
    private static ReportPeriod P(string from, string to) => new(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    // A month with the month before, whatever their lengths (30 after 31, 31 after 30, February, a leap February).
    [InlineData("2026-11-01", "2026-11-30", "2026-10-01", "2026-10-31")]
    [InlineData("2026-10-01", "2026-10-31", "2026-09-01", "2026-09-30")]
    [InlineData("2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28")]
    [InlineData("2028-03-01", "2028-03-31", "2028-02-01", "2028-02-29")]
    [InlineData("2026-02-01", "2026-02-28", "2026-01-01", "2026-01-31")]
    // Across the year boundary.
    [InlineData("2027-01-01", "2027-01-31", "2026-12-01", "2026-12-31")]
    // A quarter with the quarter before.
    [InlineData("2026-07-01", "2026-09-30", "2026-04-01", "2026-06-30")]
    [InlineData("2026-04-01", "2026-06-30", "2026-01-01", "2026-03-31")]
    [InlineData("2027-01-01", "2027-03-31", "2026-10-01", "2026-12-31")]
    // A run of whole months with as many months before it.
    [InlineData("2026-01-01", "2026-02-28", "2025-11-01", "2025-12-31")]
    [InlineData("2026-01-01", "2026-12-31", "2025-01-01", "2025-12-31")]
    // Any other range: the same number of days, ending the day before.
    [InlineData("2026-10-03", "2026-10-09", "2026-09-26", "2026-10-02")]
    [InlineData("2026-03-01", "2026-03-15", "2026-02-14", "2026-02-28")]
    [InlineData("2027-01-01", "2027-01-10", "2026-12-22", "2026-12-31")]
    [InlineData("2026-10-15", "2026-11-14", "2026-09-14", "2026-10-14")]
    public void The_previous_period_is_the_previous_month_quarter_or_as_many_days_before(string from, string to, string previousFrom, string previousTo)
    {
        Assert.Equal(P(previousFrom, previousTo), P(from, to).Previous);
    }

    [Fact]
    public void November_is_compared_with_October_and_the_third_quarter_with_the_second()
    {
        Assert.Equal(ReportPeriod.Month(2026, 10), ReportPeriod.Month(2026, 11).Previous);
        Assert.Equal(ReportPeriod.Quarter(2026, 2), ReportPeriod.Quarter(2026, 3).Previous);
        Assert.Equal(ReportPeriod.Quarter(2025, 4), ReportPeriod.Quarter(2026, 1).Previous);
    }

    [Fact]
    public void The_pickers_start_at_the_month_and_quarter_in_which_the_data_begins()
    {
        var today = new DateOnly(2026, 12, 1);
        Assert.Equal(["2026-12", "2026-11", "2026-10", "2026-09"], ReportPeriod.MonthsSince(today, new DateOnly(2026, 9, 2)).Select(p => p.FileStem));
        Assert.Equal(["2026-Q4", "2026-Q3"], ReportPeriod.QuartersSince(today, new DateOnly(2026, 9, 2)).Select(p => p.FileStem));
        Assert.Equal(["2026-Q4", "2026-Q3", "2026-Q2"], ReportPeriod.QuartersSince(today, new DateOnly(2026, 6, 30)).Select(p => p.FileStem));
        // Without data only the current month and quarter; with years of data at most three years of months.
        Assert.Equal(["2026-12"], ReportPeriod.MonthsSince(today, null).Select(p => p.FileStem));
        Assert.Equal(["2026-Q4"], ReportPeriod.QuartersSince(today, null).Select(p => p.FileStem));
        Assert.Equal(36, ReportPeriod.MonthsSince(today, new DateOnly(2015, 1, 1)).Count());
    }
}
