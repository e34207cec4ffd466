using TokenConsole.Data;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;

namespace TokenConsole.Tests.Customers;

public sealed class BillingCycleTests
{
    private static DateTime Beijing(int y, int m, int d) => BusinessCalendar.ToUtc(new DateTime(y, m, d));

    [Fact]
    public void A_monthly_period_starts_on_the_anniversary_and_on_the_last_day_of_a_shorter_month()
    {
        var anchor = Beijing(2026, 1, 31);

        var february = BillingCycle.PeriodContaining(BillingPeriod.Monthly, 0, anchor, Beijing(2026, 3, 1).AddHours(5))!.Value;
        var march = BillingCycle.PeriodContaining(BillingPeriod.Monthly, 0, anchor, Beijing(2026, 3, 30))!.Value;

        Assert.Equal(Beijing(2026, 2, 28), february.Start);
        Assert.Equal(Beijing(2026, 3, 31), february.End);
        Assert.Equal(31, february.Days);
        // The day does not drift after February: the period after starts on the 31st again.
        Assert.Equal(Beijing(2026, 2, 28), march.Start);
        Assert.Equal(Beijing(2026, 3, 31), BillingCycle.Next(BillingPeriod.Monthly, 0, anchor, february)!.Value.Start);
    }

    [Fact]
    public void The_period_boundary_is_midnight_Beijing_time()
    {
        var anchor = Beijing(2026, 11, 15);
        var justBefore = BillingCycle.PeriodContaining(BillingPeriod.Monthly, 0, anchor, Beijing(2026, 12, 15).AddTicks(-1))!.Value;
        var at = BillingCycle.PeriodContaining(BillingPeriod.Monthly, 0, anchor, Beijing(2026, 12, 15))!.Value;

        Assert.Equal(Beijing(2026, 11, 15), justBefore.Start);
        Assert.Equal(Beijing(2026, 12, 15), at.Start);
        Assert.Equal(new DateTime(2026, 12, 14, 16, 0, 0, DateTimeKind.Utc), at.Start);
        Assert.Null(BillingCycle.PeriodContaining(BillingPeriod.Monthly, 0, anchor, anchor.AddTicks(-1)));
    }

    [Fact]
    public void Annual_and_one_off_periods()
    {
        var anchor = Beijing(2024, 2, 29);
        var annual = BillingCycle.PeriodContaining(BillingPeriod.Annual, 0, anchor, Beijing(2025, 6, 1))!.Value;
        Assert.Equal(Beijing(2025, 2, 28), annual.Start);
        Assert.Equal(Beijing(2026, 2, 28), annual.End);

        var oneOff = BillingCycle.PeriodContaining(BillingPeriod.OneOff, 7, anchor, Beijing(2024, 3, 6))!.Value;
        Assert.Equal(7, oneOff.Days);
        Assert.Null(BillingCycle.PeriodContaining(BillingPeriod.OneOff, 7, anchor, Beijing(2024, 3, 7)));
        Assert.Null(BillingCycle.Next(BillingPeriod.OneOff, 7, anchor, oneOff));
    }

    [Theory]
    [InlineData(800_000L, 30)]
    [InlineData(1L, 31)]
    [InlineData(9_999_999L, 29)]
    [InlineData(-100_001L, 30)]
    public void A_fee_spread_over_its_days_adds_up_to_the_fen(long fee, int days)
    {
        var shares = Enumerable.Range(0, days).Select(i => FeeSpread.ShareOfDay(fee, days, i)).ToList();

        Assert.Equal(fee, shares.Sum());
        Assert.True(shares.Max() - shares.Min() <= 1, "Every day gets the same share, give or take one fen.");
        Assert.Equal(shares.Take(10).Sum() + shares.Skip(10).Sum(), FeeSpread.ShareOfDays(fee, days, 0, 10) + FeeSpread.ShareOfDays(fee, days, 10, days));
    }

    [Theory]
    [InlineData(10_600L, 600L)]
    [InlineData(1L, 0L)]
    [InlineData(18L, 1L)]
    [InlineData(99_999_999L, 5_660_377L)]
    public void VAT_is_taken_out_of_a_tax_inclusive_total_and_the_parts_add_up(long total, long tax)
    {
        var (net, vat) = Vat.Split(total, 0.06m);

        Assert.Equal(tax, vat);
        Assert.Equal(total, net + vat);
    }
}
