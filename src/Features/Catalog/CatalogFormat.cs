using System.Globalization;
using TokenConsole.Data;

namespace TokenConsole.Features.Catalog;

/// <summary>Dates of the catalog as people read them: in Beijing time, the office's business calendar.</summary>
public static class CatalogFormat
{
    public static string Day(DateTimeOffset at) => at.ToOffset(BusinessCalendar.Offset).ToString("d", CultureInfo.CurrentCulture);

    public static string When(DateTimeOffset at) => at.ToOffset(BusinessCalendar.Offset).ToString("g", CultureInfo.CurrentCulture);
}
