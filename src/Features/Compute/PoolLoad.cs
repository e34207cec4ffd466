using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Compute;

/// <summary>
/// The load the pools actually carried, read from the hourly usage rollups (never raw events). Shared by the pool list,
/// the capacity page, the alerts and the impact of a pool status change.
/// </summary>
public static class PoolLoad
{
    /// <summary>Each pool's busiest hour in [<paramref name="since"/>, <paramref name="until"/>), as tokens per second.</summary>
    public static async Task<IReadOnlyDictionary<int, double>> PeakTokensPerSecondAsync(
        TokenConsoleDbContext db, DateTime since, DateTime until, CancellationToken cancellationToken)
    {
        var hourly = await db.UsageRollups.Where(r => r.Hour >= since && r.Hour < until)
            .GroupBy(r => new { r.PoolId, r.Hour })
            .Select(g => new { g.Key.PoolId, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens) })
            .ToListAsync(cancellationToken);
        return hourly.GroupBy(h => h.PoolId).ToDictionary(g => g.Key, g => g.Max(h => h.Tokens) / 3600.0);
    }

    /// <summary>Tokens served in [<paramref name="since"/>, <paramref name="until"/>) per pool and model.</summary>
    public static async Task<IReadOnlyDictionary<(int PoolId, int ModelId), long>> TokensByPoolAndModelAsync(
        TokenConsoleDbContext db, DateTime since, DateTime until, CancellationToken cancellationToken)
    {
        var rows = await db.UsageRollups.Where(r => r.Hour >= since && r.Hour < until)
            .GroupBy(r => new { r.PoolId, r.ModelId })
            .Select(g => new { g.Key.PoolId, g.Key.ModelId, Tokens = g.Sum(r => r.InputTokens + r.OutputTokens) })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => (r.PoolId, r.ModelId), r => r.Tokens);
    }
}
