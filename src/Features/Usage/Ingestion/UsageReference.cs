using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// The codes an event may name, resolved to ids, held in memory so that validating an event costs a few dictionary
/// look-ups: customers with the packages they hold, packages with the models they entitle, models, pools, regions,
/// industries, and the pool router for events that do not name a pool.
/// </summary>
public sealed class UsageReference
{
    /// <summary>A customer, the packages it may send usage for, and those it holds on a suspended subscription (refused with their own reason).</summary>
    public sealed record CustomerInfo(int Id, CustomerSegment Segment, FrozenSet<int> Packages, FrozenSet<int> SuspendedPackages);

    public sealed record ModelInfo(int Id, ModelStatus Status);

    public static readonly UsageReference Empty = new();

    private UsageReference()
    {
        Router = new PoolRouter([], new Dictionary<int, ComputePool>(), []);
    }

    public FrozenDictionary<string, CustomerInfo> Customers { get; private init; } = FrozenDictionary<string, CustomerInfo>.Empty;
    public FrozenDictionary<string, int> Packages { get; private init; } = FrozenDictionary<string, int>.Empty;
    public FrozenDictionary<int, FrozenSet<int>> EntitledModels { get; private init; } = FrozenDictionary<int, FrozenSet<int>>.Empty;
    public FrozenDictionary<string, ModelInfo> Models { get; private init; } = FrozenDictionary<string, ModelInfo>.Empty;
    public FrozenDictionary<string, int> Pools { get; private init; } = FrozenDictionary<string, int>.Empty;
    public FrozenSet<string> Regions { get; private init; } = FrozenSet<string>.Empty;
    public FrozenSet<string> Industries { get; private init; } = FrozenSet<string>.Empty;
    public PoolRouter Router { get; private init; }

    public static async Task<UsageReference> LoadAsync(TokenConsoleDbContext db, CancellationToken cancellationToken)
    {
        var subscriptions = await db.Subscriptions.AsNoTracking()
            .Where(s => s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.Suspended)
            .Select(s => new { s.CustomerId, s.PackageId, s.Status })
            .ToListAsync(cancellationToken);
        var packagesOf = subscriptions.Where(s => s.Status == SubscriptionStatus.Active).GroupBy(s => s.CustomerId)
            .ToDictionary(g => g.Key, g => g.Select(s => s.PackageId).ToFrozenSet());
        var suspendedOf = subscriptions.Where(s => s.Status == SubscriptionStatus.Suspended).GroupBy(s => s.CustomerId)
            .ToDictionary(g => g.Key, g => g.Select(s => s.PackageId).ToFrozenSet());
        var customers = await db.Customers.AsNoTracking().Select(c => new { c.Id, c.Code, c.Segment }).ToListAsync(cancellationToken);
        // Usage is accepted for packages on sale and for retired ones (existing subscriptions keep running).
        var packages = await db.Packages.AsNoTracking().Where(p => p.ActiveVersionId != null)
            .Select(p => new { p.Id, p.Code, p.ActiveVersionId }).ToListAsync(cancellationToken);
        var entitlements = await db.Set<ModelEntitlement>().AsNoTracking()
            .Where(e => db.Packages.Any(p => p.ActiveVersionId == e.PackageVersionId))
            .Select(e => new { e.PackageVersionId, e.ModelId }).ToListAsync(cancellationToken);
        var models = await db.Models.AsNoTracking().ToListAsync(cancellationToken);
        var pools = await db.Pools.AsNoTracking().ToListAsync(cancellationToken);
        var regions = await db.Regions.AsNoTracking().ToListAsync(cancellationToken);
        var industries = await db.Industries.AsNoTracking().Select(i => i.Code).ToListAsync(cancellationToken);
        var deployments = await db.Deployments.AsNoTracking().ToListAsync(cancellationToken);

        return new UsageReference
        {
            Customers = customers.ToFrozenDictionary(c => c.Code, c => new CustomerInfo(c.Id, c.Segment,
                packagesOf.GetValueOrDefault(c.Id) ?? FrozenSet<int>.Empty, suspendedOf.GetValueOrDefault(c.Id) ?? FrozenSet<int>.Empty), StringComparer.Ordinal),
            Packages = packages.ToFrozenDictionary(p => p.Code, p => p.Id, StringComparer.Ordinal),
            EntitledModels = packages.ToFrozenDictionary(p => p.Id, p => entitlements.Where(e => e.PackageVersionId == p.ActiveVersionId).Select(e => e.ModelId).ToFrozenSet()),
            Models = models.ToFrozenDictionary(m => m.Code, m => new ModelInfo(m.Id, m.Status), StringComparer.Ordinal),
            Pools = pools.ToFrozenDictionary(p => p.Code, p => p.Id, StringComparer.Ordinal),
            Regions = regions.Select(r => r.Code).ToFrozenSet(StringComparer.Ordinal),
            Industries = industries.ToFrozenSet(StringComparer.Ordinal),
            Router = new PoolRouter(deployments, pools.ToDictionary(p => p.Id), regions),
        };
    }
}

/// <summary>
/// Holds the current <see cref="UsageReference"/>; reloaded when a change to what it holds is published (at start, after
/// each change in this process, and by the periodic safety net for changes made elsewhere).
/// </summary>
public sealed class UsageReferenceProvider(IDbContextFactory<TokenConsoleDbContext> dbFactory) : IReferenceDataSubscriber, IDisposable
{
    // One reload at a time: a reload that started before a change must not finish after, and overwrite, the one started after it.
    private readonly SemaphoreSlim _reload = new(1, 1);
    private UsageReference _current = UsageReference.Empty;

    public UsageReference Current => Volatile.Read(ref _current);

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            Volatile.Write(ref _current, await UsageReference.LoadAsync(db, cancellationToken));
        }
        finally
        {
            _reload.Release();
        }
    }

    public Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken) =>
        change.Concerns(ReferenceDataKind.Package, ReferenceDataKind.Model, ReferenceDataKind.Pool, ReferenceDataKind.Deployment,
            ReferenceDataKind.Customer, ReferenceDataKind.Subscription)
            ? ReloadAsync(cancellationToken)
            : Task.CompletedTask;

    public void Dispose() => _reload.Dispose();
}
