using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Compute;

public sealed record PoolRow(ComputePool Pool, long AllocatedTokensPerSecond, double PeakUtilisation, int Deployments);

public sealed record ModelRow(AiModel Model, int PrimaryDeployments, int FailoverDeployments);

/// <summary>Reads models, pools and deployments.</summary>
public sealed class ComputeService(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<ModelRow>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Name).ToListAsync(cancellationToken);
        var deployments = await db.Deployments.AsNoTracking().ToListAsync(cancellationToken);
        return [.. models.Select(m => new ModelRow(m,
            deployments.Count(d => d.ModelId == m.Id && d.Role == DeploymentRole.Primary),
            deployments.Count(d => d.ModelId == m.Id && d.Role == DeploymentRole.Failover)))];
    }

    /// <summary>Pools with what is allocated on them and the busiest hour of the last 24 hours against their capacity.</summary>
    public async Task<IReadOnlyList<PoolRow>> ListPoolsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now.AddDays(-1);
        var pools = await db.Pools.AsNoTracking().OrderBy(p => p.Code).ToListAsync(cancellationToken);
        var deployments = await db.Deployments.AsNoTracking().ToListAsync(cancellationToken);
        var peakTokensPerSecond = await PoolLoad.PeakTokensPerSecondAsync(db, since, now, cancellationToken);
        return [.. pools.Select(p => new PoolRow(p,
            deployments.Where(d => d.PoolId == p.Id).Sum(d => d.AllocatedTokensPerSecond),
            p.CapacityTokensPerSecond == 0 ? 0 : peakTokensPerSecond.GetValueOrDefault(p.Id) / p.CapacityTokensPerSecond,
            deployments.Count(d => d.PoolId == p.Id)))];
    }
}
