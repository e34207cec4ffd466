using System.Globalization;
using TokenConsole.Data;

namespace TokenConsole.Features.Reports;

public enum ReportPeriodKind { Month, Quarter, Custom }

/// <summary>
/// A report period: whole Beijing days from <see cref="From"/> to <see cref="To"/>, both included. It is compared
/// with the period of the same number of days that ends the day before it.
/// </summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To)
{
    /// <summary>The longest period a report covers: a year (366 days), so a leap year fits.</summary>
    public const int MaxDays = 366;

    public int Days => To.DayNumber - From.DayNumber + 1;

    public ReportPeriod Previous => new(From.AddDays(-Days), From.AddDays(-1));

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
}
