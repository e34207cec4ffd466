using TokenConsole.Data;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Infrastructure;

/// <summary>
/// The rows the usage writer writes beside hourly rollups and customer days — region × industry days and months,
/// package × model days, customer months — from the same sums in one transaction: fixtures that write hourly rollups by hand add these too, because whole days are
/// read from them.
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

    public static IEnumerable<RegionIndustryHourly> HourlyCellsOf(IEnumerable<UsageRollup> hourly) =>
        hourly.GroupBy(r => (r.Hour, r.RegionCode, r.IndustryCode))
            .Select(g => new RegionIndustryHourly
            {
                Hour = g.Key.Hour, RegionCode = g.Key.RegionCode, IndustryCode = g.Key.IndustryCode,
                Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), Calls = g.Sum(r => r.Calls),
                RevenueMicros = g.Sum(r => r.RevenueMicros), ComputeCostMicros = g.Sum(r => r.ComputeCostMicros),
            });

    public static IEnumerable<PackageModelDaily> PackageModelsOf(IEnumerable<UsageRollup> hourly) =>
        hourly.GroupBy(r => (Day: BusinessCalendar.DayStartUtc(r.Hour), r.PackageId, r.ModelId))
            .Select(g => new PackageModelDaily
            {
                Day = g.Key.Day, PackageId = g.Key.PackageId, ModelId = g.Key.ModelId,
                Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), Calls = g.Sum(r => r.Calls),
                RevenueMicros = g.Sum(r => r.RevenueMicros), ComputeCostMicros = g.Sum(r => r.ComputeCostMicros),
            });

    public static IEnumerable<RegionIndustryMonthly> CellMonthsOf(IEnumerable<RegionIndustryDaily> days) =>
        days.GroupBy(d => (Month: BusinessCalendar.MonthStartUtc(d.Day), d.RegionCode, d.IndustryCode))
            .Select(g => new RegionIndustryMonthly
            {
                Month = g.Key.Month, RegionCode = g.Key.RegionCode, IndustryCode = g.Key.IndustryCode,
                Tokens = g.Sum(d => d.Tokens), Calls = g.Sum(d => d.Calls), RevenueMicros = g.Sum(d => d.RevenueMicros), ComputeCostMicros = g.Sum(d => d.ComputeCostMicros),
                FeeMicros = g.Sum(d => d.FeeMicros), TopUpMicros = g.Sum(d => d.TopUpMicros), CreditMicros = g.Sum(d => d.CreditMicros),
            });

    /// <summary>Adds one day's region × industry usage to its month, tracked or new (fixtures that add day by day).</summary>
    public static void AddToCellMonth(TokenConsoleDbContext db, RegionIndustryDaily day)
    {
        var month = BusinessCalendar.MonthStartUtc(day.Day);
        var row = db.RegionIndustryMonthly.Local.FirstOrDefault(r => r.Month == month && r.RegionCode == day.RegionCode && r.IndustryCode == day.IndustryCode)
            ?? db.RegionIndustryMonthly.Add(new RegionIndustryMonthly { Month = month, RegionCode = day.RegionCode, IndustryCode = day.IndustryCode }).Entity;
        row.Tokens += day.Tokens;
        row.Calls += day.Calls;
        row.RevenueMicros += day.RevenueMicros;
        row.ComputeCostMicros += day.ComputeCostMicros;
    }

    public static IEnumerable<CustomerMonthly> CustomerMonthsOf(IEnumerable<CustomerDailyUsage> days) =>
        days.GroupBy(d => (Month: BusinessCalendar.MonthStartUtc(d.Day), d.CustomerId))
            .Select(g => new CustomerMonthly
            {
                Month = g.Key.Month, CustomerId = g.Key.CustomerId,
                Tokens = g.Sum(d => d.Tokens), RevenueMicros = g.Sum(d => d.RevenueMicros), ComputeCostMicros = g.Sum(d => d.ComputeCostMicros),
            });

    /// <summary>Adds one customer day's usage to its month, tracked or new (fixtures that add day by day).</summary>
    public static void AddToCustomerMonth(TokenConsoleDbContext db, CustomerDailyUsage day)
    {
        var month = BusinessCalendar.MonthStartUtc(day.Day);
        var row = db.CustomerMonthly.Local.FirstOrDefault(r => r.Month == month && r.CustomerId == day.CustomerId)
            ?? db.CustomerMonthly.Add(new CustomerMonthly { Month = month, CustomerId = day.CustomerId }).Entity;
        row.Tokens += day.Tokens;
        row.RevenueMicros += day.RevenueMicros;
        row.ComputeCostMicros += day.ComputeCostMicros;
    }

    /// <summary>Adds an hourly rollup and its sums to its hour's and day's region × industry cells, that cell's month and its package × model day, tracked or new.</summary>
    public static void AddHour(TokenConsoleDbContext db, UsageRollup hour)
    {
        db.UsageRollups.Add(hour);
        var day = BusinessCalendar.DayStartUtc(hour.Hour);
        var cell = db.RegionIndustryDaily.Local.FirstOrDefault(c => c.Day == day && c.RegionCode == hour.RegionCode && c.IndustryCode == hour.IndustryCode)
            ?? db.RegionIndustryDaily.Add(new RegionIndustryDaily { Day = day, RegionCode = hour.RegionCode, IndustryCode = hour.IndustryCode }).Entity;
        var sums = new RegionIndustryDaily
        {
            Day = day, RegionCode = hour.RegionCode, IndustryCode = hour.IndustryCode, Tokens = hour.InputTokens + hour.OutputTokens, Calls = hour.Calls,
            RevenueMicros = hour.RevenueMicros, ComputeCostMicros = hour.ComputeCostMicros,
        };
        cell.Tokens += sums.Tokens;
        cell.Calls += sums.Calls;
        cell.RevenueMicros += sums.RevenueMicros;
        cell.ComputeCostMicros += sums.ComputeCostMicros;
        AddToCellMonth(db, sums);
        AddToPackageModel(db, hour);
        var cellHour = db.RegionIndustryHourly.Local.FirstOrDefault(c => c.Hour == hour.Hour && c.RegionCode == hour.RegionCode && c.IndustryCode == hour.IndustryCode)
            ?? db.RegionIndustryHourly.Add(new RegionIndustryHourly { Hour = hour.Hour, RegionCode = hour.RegionCode, IndustryCode = hour.IndustryCode }).Entity;
        cellHour.Tokens += sums.Tokens;
        cellHour.Calls += sums.Calls;
        cellHour.RevenueMicros += sums.RevenueMicros;
        cellHour.ComputeCostMicros += sums.ComputeCostMicros;
    }

    /// <summary>Adds one hourly rollup's sums to its day's package × model row, tracked or new (fixtures that add hour by hour).</summary>
    public static void AddToPackageModel(TokenConsoleDbContext db, UsageRollup hour)
    {
        var day = BusinessCalendar.DayStartUtc(hour.Hour);
        var row = db.PackageModelDaily.Local.FirstOrDefault(r => r.Day == day && r.PackageId == hour.PackageId && r.ModelId == hour.ModelId)
            ?? db.PackageModelDaily.Add(new PackageModelDaily { Day = day, PackageId = hour.PackageId, ModelId = hour.ModelId }).Entity;
        row.Tokens += hour.InputTokens + hour.OutputTokens;
        row.Calls += hour.Calls;
        row.RevenueMicros += hour.RevenueMicros;
        row.ComputeCostMicros += hour.ComputeCostMicros;
    }
}
