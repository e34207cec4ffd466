using TokenConsole.Data;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Infrastructure;

/// <summary>
/// The daily region × industry rows the usage writer writes beside hourly rollups (it upserts both from the same sums
/// in one transaction): fixtures that write hourly rollups by hand add these too, because whole days are read from them.
/// </summary>
public static class WriterCells
{
    public static IEnumerable<RegionIndustryDaily> DailyCellsOf(IEnumerable<UsageRollup> hourly) =>
        hourly.GroupBy(r => (Day: BusinessCalendar.DayStartUtc(r.Hour), r.RegionCode, r.IndustryCode))
            .Select(g => new RegionIndustryDaily
            {
                Day = g.Key.Day, RegionCode = g.Key.RegionCode, IndustryCode = g.Key.IndustryCode,
                Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), Calls = g.Sum(r => r.Calls),
                RevenueMicros = g.Sum(r => r.RevenueMicros), ComputeCostMicros = g.Sum(r => r.ComputeCostMicros),
            });
}
