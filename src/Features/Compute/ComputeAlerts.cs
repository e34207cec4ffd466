using Microsoft.Extensions.Caching.Memory;

namespace TokenConsole.Features.Compute;

public enum ComputeAlertKind { PoolOverloaded, ModelOversubscribed, ModelWithoutCapacity, PoolInMaintenance, PoolDraining }

/// <summary>
/// Something the operations staff should act on. <see cref="Value"/> is the pool's peak utilisation
/// (<see cref="ComputeAlertKind.PoolOverloaded"/>), the tokens per second still deployed on a pool in maintenance or
/// draining (<see cref="ComputeAlertKind.PoolInMaintenance"/>, <see cref="ComputeAlertKind.PoolDraining"/>), or the
/// model's oversubscription ratio (the model kinds).
/// </summary>
public sealed record ComputeAlert(ComputeAlertKind Kind, string Subject, string SubjectZh, double Value, double Threshold)
{
    public string SubjectIn(bool chinese) => chinese ? SubjectZh : Subject;
}

/// <summary>
/// The compute alerts: a pool above <see cref="CapacityService.RedAbove"/> of its capacity in the busiest hour of the last
/// day; a pool in maintenance or draining (someone took it out of service and has to bring it back, and what is
/// still deployed on it is named); a model sold beyond the oversubscription threshold; a model on sale with no primary deployment on an online
/// pool. The app bar shows them on every page, so the list is cached for <see cref="CacheFor"/>: an alert may show up to
/// that much late, which is nothing next to hourly rollups.
/// </summary>
public sealed class ComputeAlerts(CapacityService capacity, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    internal const string CacheKey = "compute-alerts";

    public async Task<IReadOnlyList<ComputeAlert>> GetAsync(CancellationToken cancellationToken = default) =>
        await cache.GetOrCreateAsync(CacheKey, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            return await ComputeAsync(cancellationToken);
        }) ?? [];

    /// <summary>Drops the cached list, e.g. after a change that would clear or raise an alert.</summary>
    public void Invalidate() => cache.Remove(CacheKey);

    private async Task<IReadOnlyList<ComputeAlert>> ComputeAsync(CancellationToken cancellationToken)
    {
        var overview = await capacity.GetAsync(CapacityPeriod.Day, cancellationToken);
        var alerts = new List<ComputeAlert>();
        alerts.AddRange(overview.Pools.Where(p => p.Utilisation > CapacityService.RedAbove)
            .OrderByDescending(p => p.Utilisation)
            .Select(p => new ComputeAlert(ComputeAlertKind.PoolOverloaded, p.Pool.Name, p.Pool.NameZh, p.Utilisation, CapacityService.RedAbove)));
        // An offline pool is not one: it is out of service on purpose, and the models it leaves without capacity are reported below.
        alerts.AddRange(overview.Pools.Where(p => p.Pool.Status is PoolStatus.Maintenance or PoolStatus.Draining)
            .OrderBy(p => p.Pool.Code, StringComparer.Ordinal)
            .Select(p => new ComputeAlert(p.Pool.Status == PoolStatus.Maintenance ? ComputeAlertKind.PoolInMaintenance : ComputeAlertKind.PoolDraining,
                p.Pool.Name, p.Pool.NameZh, p.AllocatedTokensPerSecond, 0)));
        var withoutCapacity = overview.Models.Where(m => m.Model.Status == ModelStatus.OnSale && !m.HasPrimaryCapacity).ToList();
        alerts.AddRange(withoutCapacity
            .Select(m => new ComputeAlert(ComputeAlertKind.ModelWithoutCapacity, m.Model.Name, m.Model.Name, m.Ratio, overview.Threshold)));
        // A model without capacity is already reported above: its infinite ratio would only say the same thing twice.
        alerts.AddRange(overview.Models.Where(m => m.Ratio > overview.Threshold && !withoutCapacity.Contains(m))
            .OrderByDescending(m => m.Ratio)
            .Select(m => new ComputeAlert(ComputeAlertKind.ModelOversubscribed, m.Model.Name, m.Model.Name, m.Ratio, overview.Threshold)));
        return alerts;
    }
}
