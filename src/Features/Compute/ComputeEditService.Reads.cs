using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Compute;

public sealed partial class ComputeEditService
{
    /// <summary>The window the impact of a status change is measured over.</summary>
    public static readonly TimeSpan ImpactWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// What setting the pool to <paramref name="status"/> would do, over the last 24 hours of rollups: the pool's share of
    /// all traffic and of each model's, the load moving away (each model's part of the pool's peak hour), the
    /// deployments that take it over — PoolRouter's shares for traffic from the pool's own region, once the pool is out —
    /// and whether they have the room (capacity minus their own peak) for all that reaches them.
    /// </summary>
    public async Task<PoolStatusImpact> ImpactOfAsync(int poolId, PoolStatus status, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pools = await db.Pools.AsNoTracking().ToDictionaryAsync(p => p.Id, ct);
        var pool = pools.GetValueOrDefault(poolId) ?? throw new KeyNotFoundException($"There is no pool {poolId}.");
        var deployments = await db.Deployments.AsNoTracking().ToListAsync(ct);
        var models = await db.Models.AsNoTracking().ToDictionaryAsync(m => m.Id, ct);
        var regions = await db.Regions.AsNoTracking().ToListAsync(ct);
        var until = clock.GetUtcNow().UtcDateTime;
        var since = until - ImpactWindow;
        var tokens = await PoolLoad.TokensByPoolAndModelAsync(db, since, until, ct);
        var peaks = await PoolLoad.PeakTokensPerSecondAsync(db, since, until, ct);

        var poolTokens = tokens.Where(t => t.Key.PoolId == poolId).Sum(t => t.Value);
        var poolPeak = peaks.GetValueOrDefault(poolId);
        var after = pools.Values.ToDictionary(p => p.Id, p => p.Id == poolId ? Copy(p, status) : p);
        var router = new PoolRouter(deployments, after, regions);
        var movesLoad = status != PoolStatus.Online;

        var modelIds = deployments.Where(d => d.PoolId == poolId).Select(d => d.ModelId)
            .Union(tokens.Keys.Where(k => k.PoolId == poolId).Select(k => k.ModelId)).Where(models.ContainsKey).Distinct();
        var impacts = new List<ModelImpact>();
        foreach (var modelId in modelIds)
        {
            var model = models[modelId];
            var onPool = tokens.GetValueOrDefault((poolId, modelId));
            var ofModel = tokens.Where(t => t.Key.ModelId == modelId).Sum(t => t.Value);
            var moving = movesLoad && poolTokens > 0 ? poolPeak * onPool / poolTokens : 0;
            var takeovers = movesLoad
                ? router.Shares(modelId, pool.RegionCode).Select(s => new Takeover(s.PoolId, pools[s.PoolId].Code,
                    deployments.First(d => d.ModelId == modelId && d.PoolId == s.PoolId).Role, s.Share, moving * s.Share)).ToList()
                : [];
            var leftWithout = movesLoad && model.Status == ModelStatus.OnSale
                && !deployments.Any(d => d.ModelId == modelId && d.Role == DeploymentRole.Primary && after[d.PoolId].Status == PoolStatus.Online);
            impacts.Add(new ModelImpact(modelId, model.Code, model.Name, model.Status, onPool, ofModel == 0 ? 0 : (double)onPool / ofModel, moving, leftWithout, takeovers));
        }
        var receivers = impacts.SelectMany(m => m.Takeovers).GroupBy(t => t.PoolId)
            .Select(g => new TakeoverPool(g.Key, pools[g.Key].Code, pools[g.Key].CapacityTokensPerSecond, peaks.GetValueOrDefault(g.Key), g.Sum(t => t.IncomingTokensPerSecond)))
            .OrderBy(t => t.PoolCode, StringComparer.Ordinal).ToList();
        return new PoolStatusImpact(poolId, pool.Code, pool.Status, status, poolTokens, tokens.Values.Sum(), poolPeak,
            [.. impacts.OrderByDescending(m => m.Tokens).ThenBy(m => m.Code, StringComparer.Ordinal)], receivers);
    }

    private static ComputePool Copy(ComputePool p, PoolStatus status) => new()
    {
        Id = p.Id, Code = p.Code, Name = p.Name, NameZh = p.NameZh, RegionCode = p.RegionCode, Tier = p.Tier, AcceleratorKind = p.AcceleratorKind,
        AcceleratorCount = p.AcceleratorCount, CapacityTokensPerSecond = p.CapacityTokensPerSecond, CostPerHour = p.CostPerHour, Status = status, Version = p.Version,
    };

    public async Task<ComputeMatrix> MatrixAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct);
        var pools = await db.Pools.AsNoTracking().OrderBy(p => p.Tier).ThenBy(p => p.Code).ToListAsync(ct);
        var deployments = await db.Deployments.AsNoTracking().ToListAsync(ct);
        var poolById = pools.ToDictionary(p => p.Id);
        var required = await GovernmentRegionsByModelAsync(db, ct);
        return new ComputeMatrix(models, pools, deployments.ToDictionary(d => (d.ModelId, d.PoolId)),
            deployments.GroupBy(d => d.PoolId).ToDictionary(g => g.Key, g => g.Sum(d => d.AllocatedTokensPerSecond)),
            WithoutRemoteFailover(models, deployments, poolById), ResidencyConflicts(deployments, poolById, required));
    }

    /// <summary>
    /// Models (not withdrawn, with at least one primary) that have no failover in a region other than their primaries':
    /// a regional outage would take them down entirely.
    /// </summary>
    internal static HashSet<int> WithoutRemoteFailover(IEnumerable<AiModel> models, IReadOnlyList<Deployment> deployments, IReadOnlyDictionary<int, ComputePool> pools)
    {
        var result = new HashSet<int>();
        foreach (var model in models.Where(m => m.Status != ModelStatus.Withdrawn))
        {
            var own = deployments.Where(d => d.ModelId == model.Id).ToList();
            var primaryRegions = own.Where(d => d.Role == DeploymentRole.Primary).Select(d => pools[d.PoolId].RegionCode).ToHashSet();
            if (primaryRegions.Count > 0 && !own.Any(d => d.Role == DeploymentRole.Failover && !primaryRegions.Contains(pools[d.PoolId].RegionCode)))
            {
                result.Add(model.Id);
            }
        }
        return result;
    }

    /// <summary>
    /// The regions a model's traffic must stay in because packages serve government customers with it. Our reading of
    /// the residency rule (government data stays in the province it comes from, as provincial government-cloud rules
    /// require): a package "serves government customers" when customers of the <c>government</c> industry hold an
    /// active subscription to it; its required regions are those customers' home regions; a model entitled by the
    /// package's version on sale (or scheduled) inherits them. A deployment of the model on a pool outside all of them
    /// would carry government data out of its provinces.
    /// </summary>
    private static async Task<Dictionary<int, HashSet<string>>> GovernmentRegionsByModelAsync(TokenConsoleDbContext db, CancellationToken ct)
    {
        var regionsByPackage = (await db.Subscriptions.AsNoTracking()
                .Where(s => s.Status == SubscriptionStatus.Active && s.Customer!.IndustryCode == "government")
                .Select(s => new { s.PackageId, s.Customer!.RegionCode }).Distinct().ToListAsync(ct))
            .GroupBy(s => s.PackageId).ToDictionary(g => g.Key, g => g.Select(s => s.RegionCode).ToHashSet());
        if (regionsByPackage.Count == 0)
        {
            return [];
        }
        var packageIds = regionsByPackage.Keys.ToList();
        var entitlements = (await db.PackageVersions.AsNoTracking().Include(v => v.Entitlements)
                .Where(v => packageIds.Contains(v.PackageId) && (v.Status == PackageStatus.Active || v.Status == PackageStatus.Scheduled)).ToListAsync(ct))
            .SelectMany(v => v.Entitlements.Select(e => new { v.PackageId, e.ModelId })).ToList();
        return entitlements.GroupBy(e => e.ModelId)
            .ToDictionary(g => g.Key, g => g.SelectMany(e => regionsByPackage[e.PackageId]).ToHashSet());
    }

    /// <summary>
    /// Deployments outside the regions they must stay in, with those regions: a deployment's own
    /// <see cref="Deployment.ResidencyRegions"/> when set, else the government regions of its model (see above).
    /// </summary>
    internal static Dictionary<int, IReadOnlyCollection<string>> ResidencyConflicts(IEnumerable<Deployment> deployments, IReadOnlyDictionary<int, ComputePool> pools,
        IReadOnlyDictionary<int, HashSet<string>> governmentRegions)
    {
        var result = new Dictionary<int, IReadOnlyCollection<string>>();
        foreach (var d in deployments)
        {
            var own = SplitRegions(d.ResidencyRegions);
            IReadOnlyCollection<string>? required = own.Count > 0 ? own : governmentRegions.GetValueOrDefault(d.ModelId);
            if (required is { Count: > 0 } && !required.Contains(pools[d.PoolId].RegionCode))
            {
                result[d.Id] = [.. required.Order(StringComparer.Ordinal)];
            }
        }
        return result;
    }

    public async Task<DeploymentCell?> CellAsync(int modelId, int poolId, CancellationToken ct = default)
    {
        var matrix = await MatrixAsync(ct);
        var model = matrix.Models.FirstOrDefault(m => m.Id == modelId);
        var pool = matrix.Pools.FirstOrDefault(p => p.Id == poolId);
        if (model is null || pool is null)
        {
            return null;
        }
        var deployment = matrix.At(modelId, poolId);
        return new DeploymentCell(model, pool, deployment, matrix.FreeOn(pool) + (deployment?.AllocatedTokensPerSecond ?? 0), await RegionsAsync(ct),
            matrix.ModelsWithoutRemoteFailover.Contains(modelId), deployment is null ? null : matrix.ResidencyConflicts.GetValueOrDefault(deployment.Id));
    }

    public async Task<IReadOnlyList<Region>> RegionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Regions.AsNoTracking().OrderBy(r => r.Code).ToListAsync(ct);
    }

    /// <summary>What PoolRouter does with a model's traffic from a customer region, from the deployments as they are now.</summary>
    public async Task<RoutePreview> RoutePreviewAsync(int modelId, string regionCode, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pools = await db.Pools.AsNoTracking().ToDictionaryAsync(p => p.Id, ct);
        var deployments = await db.Deployments.AsNoTracking().Where(d => d.ModelId == modelId).ToListAsync(ct);
        var router = new PoolRouter(deployments, pools, await db.Regions.AsNoTracking().ToListAsync(ct));
        var roleOf = deployments.ToDictionary(d => d.PoolId, d => d.Role);
        return new RoutePreview(
            [.. router.Shares(modelId, regionCode).Select(s => (pools[s.PoolId], roleOf[s.PoolId], s.Share))],
            [.. router.FailoverOrder(modelId, regionCode).Select(id => pools[id])]);
    }
}
