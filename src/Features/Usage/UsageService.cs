using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Usage;

public sealed record RegionIndustryTotal(string RegionCode, string IndustryCode, long Tokens, long Calls, double Revenue, double ComputeCost);

/// <summary>Reads consumption from the hourly rollups (never from raw events).</summary>
public sealed class UsageService(IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public async Task<IReadOnlyList<RegionIndustryTotal>> RegionIndustryTotalsAsync(DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.UsageRollups.Where(r => r.Hour >= fromUtc && r.Hour < toUtc)
            .GroupBy(r => new { r.RegionCode, r.IndustryCode })
            .Select(g => new RegionIndustryTotal(g.Key.RegionCode, g.Key.IndustryCode,
                g.Sum(r => r.InputTokens + r.OutputTokens), g.Sum(r => r.Calls), g.Sum(r => r.Revenue), g.Sum(r => r.ComputeCost)))
            .ToListAsync(cancellationToken);
    }

    public async Task<(IReadOnlyList<Region> Regions, IReadOnlyList<Industry> Industries)> ReferenceAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await db.Regions.AsNoTracking().OrderBy(r => r.Code).ToListAsync(cancellationToken),
                await db.Industries.AsNoTracking().OrderBy(i => i.Code).ToListAsync(cancellationToken));
    }
}

public static class UsageServiceCollectionExtensions
{
    public static void AddUsage(this WebApplicationBuilder builder) => builder.Services.AddScoped<UsageService>();
}
