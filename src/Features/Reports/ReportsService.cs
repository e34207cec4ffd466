using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Reports;

public sealed record MonthSummary(DateTime Month, long Tokens, long Calls, double Revenue, double ComputeCost)
{
    public double GrossMargin => Revenue == 0 ? 0 : (Revenue - ComputeCost) / Revenue;
}

/// <summary>Summaries for executives, from the hourly rollups.</summary>
public sealed class ReportsService(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The last <paramref name="months"/> Beijing calendar months, the current one to date, newest first.</summary>
    public async Task<IReadOnlyList<MonthSummary>> MonthlyAsync(int months, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var result = new List<MonthSummary>();
        var end = now.UtcDateTime;
        var start = BusinessCalendar.MonthStartUtc(now);
        for (var i = 0; i < months; i++)
        {
            var (from, to) = (start, end);
            var totals = await db.UsageRollups.Where(r => r.Hour >= from && r.Hour < to)
                .GroupBy(_ => 1)
                .Select(g => new { Tokens = g.Sum(r => r.InputTokens + r.OutputTokens), Calls = g.Sum(r => r.Calls), Revenue = g.Sum(r => r.Revenue), Cost = g.Sum(r => r.ComputeCost) })
                .FirstOrDefaultAsync(cancellationToken);
            result.Add(new MonthSummary(BusinessCalendar.ToLocal(start), totals?.Tokens ?? 0, totals?.Calls ?? 0, totals?.Revenue ?? 0, totals?.Cost ?? 0));
            end = start;
            start = BusinessCalendar.MonthStartUtc(new DateTimeOffset(start.AddDays(-1), TimeSpan.Zero));
        }
        return result;
    }
}

public static class ReportsServiceCollectionExtensions
{
    public static void AddReports(this WebApplicationBuilder builder) => builder.Services.AddScoped<ReportsService>();
}
