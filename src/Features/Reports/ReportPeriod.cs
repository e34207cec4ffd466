using System.Globalization;
using TokenConsole.Data;

namespace TokenConsole.Features.Reports;

public enum ReportPeriodKind { Month, Quarter, Custom }

/// <summary>
/// A report period: whole Beijing days from <see cref="From"/> to <see cref="To"/>, both included. A month is compared
/// with the month before, a quarter with the quarter before (any run of whole calendar months with as many months
/// before it, whatever their lengths); any other range with the same number of days ending the day before it.
/// </summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To)
{
    /// <summary>The longest period a report covers: a year (366 days), so a leap year fits.</summary>
    public const int MaxDays = 366;

    public int Days => To.DayNumber - From.DayNumber + 1;

    public ReportPeriod Previous => WholeMonths is { } months
        ? new(From.AddMonths(-months), From.AddDays(-1))
        : new(From.AddDays(-Days), From.AddDays(-1));

    /// <summary>How many calendar months the period covers when it starts on a 1st and ends on a month's last day.</summary>
    private int? WholeMonths
    {
        get
        {
            if (From.Day != 1 || To.AddDays(1).Day != 1)
            {
                return null;
            }
            var next = To.AddDays(1);
            return (next.Year - From.Year) * 12 + next.Month - From.Month;
        }
    }

    /// <summary>The first instant of the period, UTC (midnight Beijing time).</summary>
    public DateTime StartUtc => BusinessCalendar.ToUtc(From.ToDateTime(TimeOnly.MinValue));

    /// <summary>The instant after the period, UTC.</summary>
    public DateTime EndUtc => BusinessCalendar.ToUtc(To.AddDays(1).ToDateTime(TimeOnly.MinValue));

    public ReportPeriodKind Kind =>
        From.Day == 1 && To == From.AddMonths(1).AddDays(-1) ? ReportPeriodKind.Month
        : From.Day == 1 && (From.Month - 1) % 3 == 0 && To == From.AddMonths(3).AddDays(-1) ? ReportPeriodKind.Quarter
        : ReportPeriodKind.Custom;

    /// <summary>The period in file names: 2026-10, 2026-Q4 or 2026-10-01_2026-10-15.</summary>
    public string FileStem => Kind switch
    {
        ReportPeriodKind.Month => From.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        ReportPeriodKind.Quarter => $"{From.Year}-Q{(From.Month - 1) / 3 + 1}",
        _ => $"{Iso(From)}_{Iso(To)}",
    };

    public static ReportPeriod Month(int year, int month)
    {
        var from = new DateOnly(year, month, 1);
        return new ReportPeriod(from, from.AddMonths(1).AddDays(-1));
    }

    public static ReportPeriod Quarter(int year, int quarter)
    {
        var from = new DateOnly(year, (quarter - 1) * 3 + 1, 1);
        return new ReportPeriod(from, from.AddMonths(3).AddDays(-1));
    }

    /// <summary>
    /// The months a picker offers: newest first, from the one containing <paramref name="today"/> back to the one in
    /// which the data begins (only the current one when there is no data), at most three years.
    /// </summary>
    public static IEnumerable<ReportPeriod> MonthsSince(DateOnly today, DateOnly? dataFrom) =>
        Enumerable.Range(0, 36).Select(i => new DateOnly(today.Year, today.Month, 1).AddMonths(-i))
            .TakeWhile((start, i) => i == 0 || dataFrom is { } first && start.AddMonths(1) > first)
            .Select(start => Month(start.Year, start.Month));

    /// <summary>The quarters a picker offers, as <see cref="MonthsSince"/>.</summary>
    public static IEnumerable<ReportPeriod> QuartersSince(DateOnly today, DateOnly? dataFrom)
    {
        var current = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        return Enumerable.Range(0, 12).Select(i => current.AddMonths(-3 * i))
            .TakeWhile((start, i) => i == 0 || dataFrom is { } first && start.AddMonths(3) > first)
            .Select(start => Quarter(start.Year, (start.Month - 1) / 3 + 1));
    }

    /// <summary>The Beijing calendar month before the one that contains <paramref name="now"/>.</summary>
    public static ReportPeriod LastMonth(DateTimeOffset now)
    {
        var today = Today(now);
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        return Month(first.Year, first.Month);
    }

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(BusinessCalendar.ToLocal(now.UtcDateTime));

    /// <summary>Parses ISO dates (yyyy-MM-dd) from a query string; the error says what is wrong, in English, for a problem response.</summary>
    public static bool TryParse(string? from, string? to, out ReportPeriod period, out string error)
    {
        period = default!;
        if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
        {
            error = "'from' must be a date written yyyy-MM-dd.";
            return false;
        }
        if (!DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
        {
            error = "'to' must be a date written yyyy-MM-dd.";
            return false;
        }
        return TryCreate(start, end, out period, out error);
    }

    /// <summary>
    /// The period of a page's address: <paramref name="fallback"/> when it names none, otherwise the one it names if that
    /// parses; false for a reversed or garbage range, which the page refuses with a message rather than replacing.
    /// </summary>
    public static bool TryFromQuery(string? from, string? to, ReportPeriod fallback, out ReportPeriod period)
    {
        if (string.IsNullOrEmpty(from) && string.IsNullOrEmpty(to))
        {
            period = fallback;
            return true;
        }
        return TryParse(from, to, out period, out _);
    }

    public static bool TryCreate(DateOnly from, DateOnly to, out ReportPeriod period, out string error)
    {
        period = default!;
        if (to < from)
        {
            error = "'to' must not be before 'from'.";
            return false;
        }
        if (to.DayNumber - from.DayNumber + 1 > MaxDays)
        {
            error = $"A report covers at most {MaxDays} days.";
            return false;
        }
        if (from.Year < 2000 || to.Year > 2100)
        {
            error = "The period must lie between the years 2000 and 2100.";
            return false;
        }
        period = new ReportPeriod(from, to);
        error = "";
        return true;
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string Query => $"from={Iso(From)}&to={Iso(To)}";

    public override string ToString() => $"{Iso(From)}..{Iso(To)}";
}
