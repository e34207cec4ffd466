using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Compute;

/// <summary>The <c>Compute</c> section of the configuration.</summary>
public sealed class ComputeOptions
{
    public const string Section = "Compute";

    /// <summary>
    /// Sold commitment over deployed capacity above which a model counts as oversubscribed. Tokens-per-minute limits are
    /// burst ceilings, not usage: like a mobile network sold at a contention ratio, most subscribers are idle at any
    /// moment and few hit their limit together, so selling about three times the capacity is normal; beyond that the
    /// busy hour starts to throttle customers.
    /// </summary>
    public double OversubscriptionThreshold { get; set; } = 3.0;
}

/// <summary>How far back the capacity page looks for the busiest hour.</summary>
public enum CapacityPeriod { Day, Week, Month, Quarter }

/// <summary>Load band of a pool: green below 60 % of capacity, amber from 60 % to 80 %, red above 80 %.</summary>
public enum LoadBand { Green, Amber, Red }

/// <summary>A pool's capacity, what is allocated on it and its busiest hour in the period (all in tokens per second).</summary>
public sealed record PoolCapacity(ComputePool Pool, long AllocatedTokensPerSecond, double PeakTokensPerSecond, double Utilisation)
{
    public LoadBand Band => CapacityService.BandOf(Utilisation);
}

/// <summary>
/// What is sold on a model against what is deployed for it (tokens per second). <see cref="Ratio"/> is sold / deployed:
/// +∞ when something is sold and nothing is deployed, 0 when nothing is sold.
/// </summary>
public sealed record ModelCapacity(AiModel Model, double SoldTokensPerSecond, long DeployedTokensPerSecond, int ActiveSubscriptions)
{
    public double Ratio => CapacityService.RatioOf(SoldTokensPerSecond, DeployedTokensPerSecond);
    public bool HasPrimaryCapacity => DeployedTokensPerSecond > 0;
}

public sealed record CapacityOverview(IReadOnlyList<PoolCapacity> Pools, IReadOnlyList<ModelCapacity> Models, double Threshold, CapacityPeriod Period);

/// <summary>A model a package launch would push beyond the threshold: its ratio now and after the launch.</summary>
public sealed record CapacityExcess(AiModel Model, double CurrentRatio, double ResultingRatio, double ExtraTokensPerSecond);

/// <summary>
/// Capacity against allocation and load per pool, and sold commitment against deployed capacity per model.
/// <list type="bullet">
/// <item><b>Sold commitment</b> of a model: over the active subscriptions (status Active, not ended) whose package version
/// entitles the model, the sum of that version's tokens-per-minute limit / 60. A package that entitles several models
/// counts its full limit against each of them, because a customer may send all of it to one model; the premium
/// multiplier is ignored (it only makes a model token use up more package tokens, so the full limit is the ceiling).</item>
/// <item><b>Deployed capacity</b> of a model: the capacity allocated to its <i>primary</i> deployments on <i>online</i>
/// pools. Failovers are the reserve that serves when a primary is down, not extra capacity to sell against, and a pool in
/// maintenance, draining or offline serves nothing new.</item>
/// <item><b>Oversubscription ratio</b> = sold / deployed, compared with <see cref="ComputeOptions.OversubscriptionThreshold"/>.</item>
/// </list>
/// </summary>
public sealed class CapacityService(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock, IOptions<ComputeOptions> options)
{
    public const double AmberFrom = 0.6;
    public const double RedAbove = 0.8;

    public double Threshold => options.Value.OversubscriptionThreshold;

    public static TimeSpan Length(CapacityPeriod period) => period switch
    {
        CapacityPeriod.Day => TimeSpan.FromDays(1),
        CapacityPeriod.Week => TimeSpan.FromDays(7),
        CapacityPeriod.Month => TimeSpan.FromDays(30),
        _ => TimeSpan.FromDays(90),
    };

    public static LoadBand BandOf(double utilisation) =>
        utilisation > RedAbove ? LoadBand.Red : utilisation >= AmberFrom ? LoadBand.Amber : LoadBand.Green;

    public static double RatioOf(double sold, long deployed) =>
        deployed > 0 ? sold / deployed : sold > 0 ? double.PositiveInfinity : 0;

    public async Task<CapacityOverview> GetAsync(CapacityPeriod period, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pools = await PoolsAsync(db, period, cancellationToken);
        var models = await ModelsAsync(db, cancellationToken);
        return new CapacityOverview(pools, models, Threshold, period);
    }

    public async Task<IReadOnlyList<PoolCapacity>> PoolsAsync(CapacityPeriod period, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await PoolsAsync(db, period, cancellationToken);
    }

    public async Task<IReadOnlyList<ModelCapacity>> ModelsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ModelsAsync(db, cancellationToken);
    }

    /// <summary>
    /// The models whose ratio would end beyond the threshold if <paramref name="version"/> went on sale. The extra
    /// commitment is estimated as the version's limit × the active subscriptions of the package it replaces (the new
    /// version is expected to sell as well as the package does now; existing subscriptions keep their own version until
    /// renewal, so their commitment stays), or × 1 for a package with no subscriptions yet (a brand-new package).
    /// </summary>
    public async Task<IReadOnlyList<CapacityExcess>> WouldExceedAsync(PackageVersion version, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var modelIds = version.Entitlements.Count > 0
            ? version.Entitlements.Select(e => e.ModelId).ToList()
            : await db.Set<ModelEntitlement>().Where(e => e.PackageVersionId == version.Id).Select(e => e.ModelId).ToListAsync(cancellationToken);
        if (modelIds.Count == 0 || version.TokensPerMinuteLimit <= 0)
        {
            return [];
        }
        var now = clock.GetUtcNow();
        var subscriptions = await ActiveSubscriptions(db, now).CountAsync(s => s.PackageId == version.PackageId, cancellationToken);
        var extra = version.TokensPerMinuteLimit / 60.0 * Math.Max(1, subscriptions);
        var models = await ModelsAsync(db, cancellationToken);
        return [.. models.Where(m => modelIds.Contains(m.Model.Id))
            .Select(m => new CapacityExcess(m.Model, m.Ratio, RatioOf(m.SoldTokensPerSecond + extra, m.DeployedTokensPerSecond), extra))
            .Where(e => e.ResultingRatio > Threshold)
            .OrderByDescending(e => e.ResultingRatio)];
    }

    private async Task<IReadOnlyList<PoolCapacity>> PoolsAsync(TokenConsoleDbContext db, CapacityPeriod period, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var pools = await db.Pools.AsNoTracking().OrderBy(p => p.Code).ToListAsync(cancellationToken);
        var allocated = await db.Deployments.GroupBy(d => d.PoolId)
            .Select(g => new { PoolId = g.Key, Tokens = g.Sum(d => d.AllocatedTokensPerSecond) })
            .ToDictionaryAsync(g => g.PoolId, g => g.Tokens, cancellationToken);
        var peaks = await PoolLoad.PeakTokensPerSecondAsync(db, now - Length(period), now, cancellationToken);
        return [.. pools.Select(p =>
        {
            var peak = peaks.GetValueOrDefault(p.Id);
            return new PoolCapacity(p, allocated.GetValueOrDefault(p.Id), peak, p.CapacityTokensPerSecond > 0 ? peak / p.CapacityTokensPerSecond : 0);
        })];
    }

    private async Task<IReadOnlyList<ModelCapacity>> ModelsAsync(TokenConsoleDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Name).ToListAsync(cancellationToken);
        var deployed = await db.Deployments
            .Where(d => d.Role == DeploymentRole.Primary && d.Pool!.Status == PoolStatus.Online)
            .GroupBy(d => d.ModelId)
            .Select(g => new { ModelId = g.Key, Tokens = g.Sum(d => d.AllocatedTokensPerSecond) })
            .ToDictionaryAsync(g => g.ModelId, g => g.Tokens, cancellationToken);
        var subscriptionsByVersion = await ActiveSubscriptions(db, now).GroupBy(s => s.PackageVersionId)
            .Select(g => new { VersionId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.VersionId, g => g.Count, cancellationToken);
        var versionIds = subscriptionsByVersion.Keys.ToList();
        var versions = await db.PackageVersions.AsNoTracking().Where(v => versionIds.Contains(v.Id))
            .Select(v => new { v.Id, v.TokensPerMinuteLimit, Models = v.Entitlements.Select(e => e.ModelId).ToList() })
            .ToListAsync(cancellationToken);
        var sold = new Dictionary<int, (double TokensPerSecond, int Subscriptions)>();
        foreach (var version in versions)
        {
            var count = subscriptionsByVersion[version.Id];
            foreach (var modelId in version.Models.Distinct())
            {
                var (tokens, subscriptions) = sold.GetValueOrDefault(modelId);
                sold[modelId] = (tokens + version.TokensPerMinuteLimit / 60.0 * count, subscriptions + count);
            }
        }
        return [.. models.Select(m => new ModelCapacity(m, sold.GetValueOrDefault(m.Id).TokensPerSecond, deployed.GetValueOrDefault(m.Id),
            sold.GetValueOrDefault(m.Id).Subscriptions))];
    }

    private static IQueryable<Subscription> ActiveSubscriptions(TokenConsoleDbContext db, DateTimeOffset now) =>
        db.Subscriptions.Where(s => s.Status == SubscriptionStatus.Active && (s.EndsAt == null || s.EndsAt > now));
}
