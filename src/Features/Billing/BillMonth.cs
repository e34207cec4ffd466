using System.Globalization;
using TokenConsole.Data;

namespace TokenConsole.Features.Billing;

/// <summary>A Beijing calendar month as bills name it (yyyyMM), with its bounds as UTC instants.</summary>
public readonly record struct BillMonth(int Year, int Month)
{
    public int Period => Year * 100 + Month;

    /// <summary>The first instant of the month (Beijing midnight of the 1st), in UTC.</summary>
    public DateTime StartUtc => BusinessCalendar.ToUtc(new DateTime(Year, Month, 1));

    /// <summary>The first instant after the month, in UTC.</summary>
    public DateTime EndUtc => Next.StartUtc;

    public BillMonth Next => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);

    public BillMonth Previous => Month == 1 ? new(Year - 1, 12) : new(Year, Month - 1);

    public static BillMonth Of(int period) => new(period / 100, period % 100);

    /// <summary>The Beijing month containing <paramref name="instant"/>.</summary>
    public static BillMonth Containing(DateTimeOffset instant)
    {
        var local = BusinessCalendar.ToLocal(instant.UtcDateTime);
        return new(local.Year, local.Month);
    }

    /// <summary>Parses yyyyMM (e.g. 202611); false for anything else.</summary>
    public static bool TryParse(string? text, out BillMonth month)
    {
        month = default;
        if (text is not { Length: 6 } || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var period))
        {
            return false;
        }
        var (year, m) = (period / 100, period % 100);
        if (year < 2000 || year > 2999 || m < 1 || m > 12)
        {
            return false;
        }
        month = new(year, m);
        return true;
    }

    public override string ToString() => Period.ToString(CultureInfo.InvariantCulture);
}
