using TokenConsole.Data;

namespace TokenConsole.Features.Compute;

/// <summary>A pool's part of a model's traffic from one customer region.</summary>
public sealed record RouteShare(int PoolId, double Share);

/// <summary>
/// Chooses the pool that serves a model's traffic from a customer region: primary deployments on online pools,
/// preferring the customer's own region, then its macro-region, each by routing weight; failovers only when no
/// primary is online. The demo data and the load generator assign pools with it, and the routing preview and the
/// impact of a pool status change read the same shares through <see cref="Shares"/> and <see cref="FailoverOrder"/>.
/// </summary>
public sealed class PoolRouter
{
    private readonly Dictionary<(int ModelId, string Region), (int PoolId, double Cumulative)[]> _routes = [];
    private readonly Dictionary<(int ModelId, string Region), RouteShare[]> _shares = [];
    private readonly Dictionary<(int ModelId, string Region), int[]> _failovers = [];

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
            var failovers = online.Where(d => d.Role == DeploymentRole.Failover).ToList();
            foreach (var region in regionList)
            {
                double Weighted(Deployment d)
                {
                    var pool = pools[d.PoolId];
                    var preference = pool.RegionCode == region.Code ? 4.0 : macroOf.TryGetValue(pool.RegionCode, out var macro) && macro == region.MacroRegion ? 2.0 : 1.0;
                    return Math.Max(1, d.RoutingWeight) * preference;
                }
                // The order failovers would take the traffic in, were every primary gone: the same preference and weight.
                _failovers[(byModel.Key, region.Code)] = [.. failovers.OrderByDescending(Weighted).ThenBy(d => d.PoolId).Select(d => d.PoolId)];
                if (candidates.Count == 0)
                {
                    continue;
                }
                var weighted = candidates.Select(d => (d.PoolId, Weight: Weighted(d))).ToList();
                var total = weighted.Sum(w => w.Weight);
                var cumulative = 0.0;
                _routes[(byModel.Key, region.Code)] = [.. weighted.Select(w => (w.PoolId, cumulative += w.Weight / total))];
                _shares[(byModel.Key, region.Code)] = [.. weighted.Select(w => new RouteShare(w.PoolId, w.Weight / total)).OrderByDescending(s => s.Share).ThenBy(s => s.PoolId)];
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

    /// <summary>The pools that serve a model's traffic from a region and the share each gets (largest first); empty when none is online.</summary>
    public IReadOnlyList<RouteShare> Shares(int modelId, string regionCode) =>
        _shares.TryGetValue((modelId, regionCode), out var shares) ? shares : [];

    /// <summary>The model's online failover pools in the order they would be preferred for the region.</summary>
    public IReadOnlyList<int> FailoverOrder(int modelId, string regionCode) =>
        _failovers.TryGetValue((modelId, regionCode), out var order) ? order : [];
}
