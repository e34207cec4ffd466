using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Pricing;

/// <summary>
/// An immutable snapshot of the numbers that price and cost usage: the active version of every package (unit price
/// inside the package, overage price, included tokens per month), the entitlement multipliers, and each model's compute
/// cost. Rating reads it without locks; <see cref="PriceBookProvider"/> swaps in a new one when the catalog changes.
/// </summary>
public sealed class PriceBook
{
    /// <summary>Prices in CNY per million tokens, which is the same number as micro-yuan per token.</summary>
    public sealed record PackagePrices(int PackageId, int VersionId, decimal UnitPricePerMTok, decimal OveragePricePerMTok, long IncludedTokensPerMonth,
        FrozenDictionary<int, decimal> Multipliers);

    public sealed record ModelCosts(decimal InputPerMTok, decimal OutputPerMTok);

    public static readonly PriceBook Empty = new(FrozenDictionary<int, PackagePrices>.Empty, FrozenDictionary<int, ModelCosts>.Empty);

    public PriceBook(FrozenDictionary<int, PackagePrices> packages, FrozenDictionary<int, ModelCosts> models)
    {
        Packages = packages;
        Models = models;
    }

    public FrozenDictionary<int, PackagePrices> Packages { get; }
    public FrozenDictionary<int, ModelCosts> Models { get; }

    public static async Task<PriceBook> LoadAsync(TokenConsoleDbContext db, CancellationToken cancellationToken)
    {
        // Retired packages keep their active version: existing subscriptions go on consuming and must be rated.
        var versions = await db.PackageVersions.AsNoTracking()
            .Where(v => db.Packages.Any(p => p.ActiveVersionId == v.Id))
            .Include(v => v.Entitlements)
            .ToListAsync(cancellationToken);
        var packages = versions.ToFrozenDictionary(v => v.PackageId, v => new PackagePrices(
            v.PackageId, v.Id, v.UnitPricePerMTok, v.OveragePricePerMTok, IncludedPerMonth(v),
            v.Entitlements.ToFrozenDictionary(e => e.ModelId, e => e.Multiplier)));
        var models = await db.Models.AsNoTracking()
            .Select(m => new { m.Id, m.InputCostPerMTok, m.OutputCostPerMTok })
            .ToListAsync(cancellationToken);
        return new PriceBook(packages, models.ToFrozenDictionary(m => m.Id, m => new ModelCosts(m.InputCostPerMTok, m.OutputCostPerMTok)));
    }

    /// <summary>An annual package's tokens are spread over twelve months; a one-off package's belong to its month.</summary>
    private static long IncludedPerMonth(PackageVersion version) =>
        version.BillingPeriod == BillingPeriod.Annual ? version.IncludedTokens / 12 : version.IncludedTokens;
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
