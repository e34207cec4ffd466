using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Customers;

/// <summary>A billing period: from midnight Beijing time on its first day to midnight on the day after its last, as UTC.</summary>
public readonly record struct BillingPeriodSpan(DateTime Start, DateTime End)
{
    /// <summary>Beijing days in the period.</summary>
    public int Days => (int)((End - Start).Ticks / TimeSpan.TicksPerDay);

    public bool Contains(DateTime utc) => utc >= Start && utc < End;
}

/// <summary>
/// The billing periods of a term, counted from its anniversary day (as Alibaba Bailian's token plans count them):
/// monthly periods start on the anchor's day of the month — on the month's last day when it is shorter (an anchor on
/// the 31st gives 30 Nov, 28 Feb, 31 Mar) — annual ones on its day of the year, and a one-off package has one period
/// of its validity days. Every period is computed from the anchor, never from the previous period, so the day does not
/// drift after a short month.
/// </summary>
public static class BillingCycle
{
    /// <summary>The period containing <paramref name="utc"/>, or null before the anchor or after a one-off period.</summary>
    public static BillingPeriodSpan? PeriodContaining(BillingPeriod kind, int validityDays, DateTime anchorUtc, DateTime utc)
    {
        if (utc < anchorUtc)
        {
            return null;
        }
        if (kind == BillingPeriod.OneOff)
        {
            var only = new BillingPeriodSpan(anchorUtc, anchorUtc.AddDays(Math.Max(1, validityDays)));
            return only.Contains(utc) ? only : null;
        }
        var anchor = BusinessCalendar.ToLocal(anchorUtc);
        var local = BusinessCalendar.ToLocal(utc);
        var step = kind == BillingPeriod.Annual ? 12 : 1;
        var index = ((local.Year - anchor.Year) * 12 + local.Month - anchor.Month) / step;
        // The estimate is at most one period ahead (the anchor's day has not come yet this month or year).
        while (index > 0 && Start(anchor, index, step) > local)
        {
            index--;
        }
        while (Start(anchor, index + 1, step) <= local)
        {
            index++;
        }
        return new BillingPeriodSpan(BusinessCalendar.ToUtc(Start(anchor, index, step)), BusinessCalendar.ToUtc(Start(anchor, index + 1, step)));
    }

    /// <summary>The period that follows <paramref name="period"/> in the same term (null for a one-off package).</summary>
    public static BillingPeriodSpan? Next(BillingPeriod kind, int validityDays, DateTime anchorUtc, BillingPeriodSpan period) =>
        kind == BillingPeriod.OneOff ? null : PeriodContaining(kind, validityDays, anchorUtc, period.End);

    /// <summary>The period before <paramref name="period"/> in the same term (null for the first).</summary>
    public static BillingPeriodSpan? Previous(BillingPeriod kind, int validityDays, DateTime anchorUtc, BillingPeriodSpan period) =>
        period.Start <= anchorUtc ? null : PeriodContaining(kind, validityDays, anchorUtc, period.Start.AddTicks(-1));

    private static DateTime Start(DateTime anchorLocal, int index, int monthsPerPeriod)
    {
        // AddMonths keeps the day when the month has it and takes the month's last day otherwise.
        return anchorLocal.Date.AddMonths(index * monthsPerPeriod);
    }
}

/// <summary>
/// A fee spread evenly over the days it covers, in whole fen: day i of n gets ⌊(i+1)·F/n⌋ − ⌊i·F/n⌋, so the days of any
/// stretch add up to a whole number of fen and all n days to exactly F — no fen is lost or made up by rounding.
/// </summary>
public static class FeeSpread
{
    public static long ShareOfDay(long feeFen, int days, int dayIndex)
    {
        if (days <= 0 || dayIndex < 0 || dayIndex >= days)
        {
            return 0;
        }
        return Through(feeFen, days, dayIndex + 1) - Through(feeFen, days, dayIndex);
    }

    /// <summary>The fee of days [from, to) of the spread.</summary>
    public static long ShareOfDays(long feeFen, int days, int from, int to)
    {
        from = Math.Clamp(from, 0, days);
        to = Math.Clamp(to, 0, days);
        return to <= from ? 0 : Through(feeFen, days, to) - Through(feeFen, days, from);
    }

    // Floor division that is right for a negative fee too (a credit spread the same way).
    private static long Through(long feeFen, int days, int count) =>
        (long)Math.Floor((decimal)feeFen * count / days);

    /// <summary>A price in yuan as fen; prices are stored with at most six decimals but sold in fen, so this rounds once.</summary>
    public static long ToFen(decimal yuan) => (long)decimal.Round(yuan * 100, 0, MidpointRounding.AwayFromZero);
}
