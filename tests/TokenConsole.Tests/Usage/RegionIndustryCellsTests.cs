using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Features.Usage;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Usage;

/// <summary>Cells read through whole months and the days around them are the daily rows' sums, on the seeded demo data.</summary>
public sealed class RegionIndustryCellsTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(-80, 0)]   // some days, two or more whole months, the month in progress
    [InlineData(-45, -10)] // the end of one month and the start of the next: maybe no whole month
    [InlineData(-3, 0)]
    public async Task Months_and_days_together_give_the_daily_rows_sums(int fromDays, int toDays)
    {
        await using var db = factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContext();
        var today = BusinessCalendar.DayStartUtc(DateTime.UtcNow);
        var (from, to) = (today.AddDays(fromDays), toDays == 0 ? DateTime.UtcNow : today.AddDays(toDays));

        var cells = await RegionIndustryCells.SumAsync(db, from, to, Ct);

        var days = await db.RegionIndustryDaily.AsNoTracking().Where(r => r.Day >= from && r.Day < to).ToListAsync(Ct);
        var expected = days.GroupBy(r => (r.RegionCode, r.IndustryCode)).ToDictionary(g => g.Key, g => new CellSums(g.Sum(r => r.Tokens), g.Sum(r => r.Calls),
            g.Sum(r => r.RevenueMicros), g.Sum(r => r.ComputeCostMicros), g.Sum(r => r.FeeMicros), g.Sum(r => r.TopUpMicros), g.Sum(r => r.CreditMicros)));
        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(e => e.Key), cells.OrderBy(c => c.Key));
        if (fromDays == -80)
        {
            Assert.True(BusinessCalendar.WholeMonths(from, to) is var (m0, m1) && m0 < m1, "the range holds a whole month");
        }
    }
}
