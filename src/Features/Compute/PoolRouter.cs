using TokenConsole.Data;

namespace TokenConsole.Features.Compute;

/// <summary>
/// Chooses the pool that serves a model's traffic from a customer region: primary deployments on online pools,
/// preferring the customer's own region, then its macro-region, each by routing weight; failovers only when no
/// primary is online. The demo data and the load generator assign pools with it.
/// </summary>
public sealed class PoolRouter
{
    private readonly Dictionary<(int ModelId, string Region), (int PoolId, double Cumulative)[]> _routes = [];

    public PoolRouter(IEnumerable<Deployment> deployments, IReadOnlyDictionary<int, ComputePool> pools, IEnumerable<Region> regions)
    {
        var regionList = regions.ToList();
        var macroOf = regionList.ToDictionary(r => r.Code, r => r.MacroRegion);
        foreach (var byModel in deployments.GroupBy(d => d.ModelId))
        {
            var online = byModel.Where(d => pools[d.PoolId].Status == PoolStatus.Online).ToList();
            var candidates = online.Where(d => d.Role == DeploymentRole.Primary).ToList();
            if (candidates.Count == 0)
            {
                candidates = online;
            }
            if (candidates.Count == 0)
            {
                continue;
            }
            foreach (var region in regionList)
            {
                var weighted = candidates.Select(d =>
                {
                    var pool = pools[d.PoolId];
                    var preference = pool.RegionCode == region.Code ? 4.0 : macroOf[pool.RegionCode] == region.MacroRegion ? 2.0 : 1.0;
                    return (d.PoolId, Weight: Math.Max(1, d.RoutingWeight) * preference);
                }).ToList();
                var total = weighted.Sum(w => w.Weight);
                var cumulative = 0.0;
                _routes[(byModel.Key, region.Code)] = [.. weighted.Select(w => (w.PoolId, cumulative += w.Weight / total))];
            }
        }
    }

    /// <summary>The pool for a call, given a uniform random number in [0, 1); null when the model has no online deployment.</summary>
    public int? Route(int modelId, string regionCode, double uniform)
    {
        if (!_routes.TryGetValue((modelId, regionCode), out var route))
        {
            return null;
        }
        foreach (var (poolId, cumulative) in route)
        {
            if (uniform < cumulative)
            {
                return poolId;
            }
        }
        return route[^1].PoolId;
    }
}
