using TokenConsole.Localization;

namespace TokenConsole.Features.Catalog;

/// <summary>Dates of the catalog as people read them: in Beijing time, the office's business calendar, in the one format of <see cref="Display"/>.</summary>
public static class CatalogFormat
{
    public static string Day(DateTimeOffset at) => Display.Date(at);

    public static string When(DateTimeOffset at) => Display.DateTime(at);
}
