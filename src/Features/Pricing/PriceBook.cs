using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Pricing;

/// <summary>
/// An immutable snapshot of the numbers that price and cost usage: the terms of every package version a subscription can
/// hold (not only the version on sale: a subscription keeps its version until it changes it), the version on sale of
/// each package, the entitlement multipliers, and each model's compute cost. Rating reads it without locks;
/// <see cref="PriceBookProvider"/> swaps in a new one when the catalog changes.
/// </summary>
public sealed class PriceBook
{
    /// <summary>
    /// A version's terms as rating and the buckets need them. <see cref="IncludedTokens"/> is per billing period (a
    /// top-up pack: what it adds). Prices in CNY per million tokens, which is the same number as micro-yuan per token;
    /// <see cref="UnitPricePerMTok"/> (the fee over the included tokens) is shown, never charged per token.
    /// </summary>
    public sealed record PackagePrices(int PackageId, int VersionId, decimal UnitPricePerMTok, decimal OveragePricePerMTok, long IncludedTokens,
        FrozenDictionary<int, decimal> Multipliers)
    {
        public PackageKind Kind { get; init; }
        public BillingPeriod BillingPeriod { get; init; } = BillingPeriod.Monthly;
        public int ValidityDays { get; init; } = 30;
        public int RolloverPercent { get; init; }
        public ExhaustionPolicy WhenExhausted { get; init; }

        /// <summary>Tokens × the model's entitlement multiplier (1 for a model without one).</summary>
        public decimal Billable(int modelId, long tokens) =>
            Multipliers.TryGetValue(modelId, out var multiplier) && multiplier != 1m ? tokens * multiplier : tokens;
    }

    public sealed record ModelCosts(decimal InputPerMTok, decimal OutputPerMTok);

    public static readonly PriceBook Empty = new(FrozenDictionary<int, PackagePrices>.Empty, FrozenDictionary<int, ModelCosts>.Empty);

    /// <param name="packages">The version on sale per package id.</param>
    /// <param name="versions">Every version by id; null: the versions in <paramref name="packages"/>.</param>
    public PriceBook(FrozenDictionary<int, PackagePrices> packages, FrozenDictionary<int, ModelCosts> models, FrozenDictionary<int, PackagePrices>? versions = null)
    {
        Packages = packages;
        Models = models;
        Versions = versions ?? packages.Values.ToFrozenDictionary(v => v.VersionId);
    }

    public FrozenDictionary<int, PackagePrices> Packages { get; }
    public FrozenDictionary<int, PackagePrices> Versions { get; }
    public FrozenDictionary<int, ModelCosts> Models { get; }

    /// <summary>The version <paramref name="versionId"/>, or the package's version on sale when it is 0 or unknown.</summary>
    public PackagePrices? Version(int packageId, int versionId) =>
        versionId != 0 && Versions.TryGetValue(versionId, out var version) ? version
        : Packages.TryGetValue(packageId, out var active) ? active : null;

    public static async Task<PriceBook> LoadAsync(TokenConsoleDbContext db, CancellationToken cancellationToken)
    {
        // Every version: a few hundred rows at most, and a subscription may hold any published one (superseded, retired).
        var versions = await db.PackageVersions.AsNoTracking()
            .Include(v => v.Entitlements)
            .ToListAsync(cancellationToken);
        var kinds = await db.Packages.AsNoTracking().Select(p => new { p.Id, p.Kind, p.ActiveVersionId }).ToListAsync(cancellationToken);
        var kindOf = kinds.ToDictionary(p => p.Id, p => p.Kind);
        var all = versions.ToFrozenDictionary(v => v.Id, v => new PackagePrices(
            v.PackageId, v.Id, v.UnitPricePerMTok, v.OveragePricePerMTok, v.IncludedTokens,
            v.Entitlements.ToFrozenDictionary(e => e.ModelId, e => e.Multiplier))
        {
            Kind = kindOf.GetValueOrDefault(v.PackageId), BillingPeriod = v.BillingPeriod, ValidityDays = v.ValidityDays,
            RolloverPercent = v.RolloverPercent, WhenExhausted = v.WhenExhausted,
        });
        // Retired packages keep their active version: existing subscriptions go on consuming and must be rated.
        var packages = kinds.Where(p => p.ActiveVersionId is { } id && all.ContainsKey(id))
            .ToFrozenDictionary(p => p.Id, p => all[p.ActiveVersionId!.Value]);
        var models = await db.Models.AsNoTracking()
            .Select(m => new { m.Id, m.InputCostPerMTok, m.OutputCostPerMTok })
            .ToListAsync(cancellationToken);
        return new PriceBook(packages, models.ToFrozenDictionary(m => m.Id, m => new ModelCosts(m.InputCostPerMTok, m.OutputCostPerMTok)), all);
    }
}

/// <summary>Holds the current <see cref="PriceBook"/>; reloaded when a package or a model (its costs) change is published.</summary>
public sealed class PriceBookProvider(IDbContextFactory<TokenConsoleDbContext> dbFactory) : IReferenceDataSubscriber, IDisposable
{
    // One reload at a time: a reload that started before a change must not finish after, and overwrite, the one started after it.
    private readonly SemaphoreSlim _reload = new(1, 1);
    private PriceBook _current = PriceBook.Empty;

    public PriceBook Current => Volatile.Read(ref _current);

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            Replace(await PriceBook.LoadAsync(db, cancellationToken));
        }
        finally
        {
            _reload.Release();
        }
    }

    public Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken) =>
        change.Concerns(ReferenceDataKind.Package, ReferenceDataKind.Model) ? ReloadAsync(cancellationToken) : Task.CompletedTask;

    public void Dispose() => _reload.Dispose();

    /// <summary>Swaps in another book atomically: an event is rated entirely with the old one or the new one.</summary>
    public void Replace(PriceBook book) => Volatile.Write(ref _current, book);
}
