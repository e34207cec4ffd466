namespace TokenConsole.Data;

/// <summary>
/// The office's calendar: days and months start at midnight Beijing time (UTC+8, no daylight saving), while the data
/// is stored in UTC. Reports and KPIs use these boundaries.
/// </summary>
public static class BusinessCalendar
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTime ToLocal(DateTime utc) => utc + Offset;

    public static DateTime ToUtc(DateTime local) => DateTime.SpecifyKind(local - Offset, DateTimeKind.Utc);

    /// <summary>The UTC instant at which the Beijing month containing <paramref name="utcNow"/> began.</summary>
    public static DateTime MonthStartUtc(DateTimeOffset utcNow)
    {
        var local = ToLocal(utcNow.UtcDateTime);
        return ToUtc(new DateTime(local.Year, local.Month, 1));
    }

    /// <summary>The UTC instant at which the Beijing month containing <paramref name="utc"/> began.</summary>
    public static DateTime MonthStartUtc(DateTime utc) => MonthStartUtc(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    /// <summary>
    /// The whole Beijing months inside [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), as UTC instants
    /// [From, To); none when From ≥ To.
    /// </summary>
    public static (DateTime From, DateTime To) WholeMonths(DateTime fromUtc, DateTime toUtc)
    {
        var first = MonthStartUtc(fromUtc);
        if (first < fromUtc)
        {
            first = ToUtc(ToLocal(first).AddMonths(1));
        }
        return (first, MonthStartUtc(toUtc));
    }

    /// <summary>The parts of [<paramref name="fromUtc"/>, <paramref name="toUtc"/>) outside its <see cref="WholeMonths"/>: none, one or two non-empty ranges.</summary>
    public static IEnumerable<(DateTime From, DateTime To)> PartMonths(DateTime fromUtc, DateTime toUtc)
    {
        var (monthsFrom, monthsTo) = WholeMonths(fromUtc, toUtc);
        (DateTime From, DateTime To)[] parts = monthsFrom < monthsTo ? [(fromUtc, monthsFrom), (monthsTo, toUtc)] : [(fromUtc, toUtc)];
        return parts.Where(p => p.From < p.To);
    }

    /// <summary>The UTC instant at which the Beijing day containing <paramref name="utc"/> began.</summary>
    public static DateTime DayStartUtc(DateTime utc) => ToUtc(ToLocal(utc).Date);
}
