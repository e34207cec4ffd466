using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Catalog;

public sealed record PackageRow(
    int Id, string Code, string NameEn, string NameZh, CustomerSegment Segment, PackageStatus Status, int? VersionNumber,
    DateTimeOffset? EffectiveFrom, decimal Price, long IncludedTokens, decimal UnitPricePerMTok, BillingPeriod Billing, int Subscribers);

/// <summary>Reads the package catalog.</summary>
public sealed class CatalogService(IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public async Task<IReadOnlyList<PackageRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var subscribers = await db.Subscriptions.Where(s => s.Status == SubscriptionStatus.Active)
            .GroupBy(s => s.PackageId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var packages = await db.Packages.AsNoTracking().Include(p => p.Versions).OrderBy(p => p.Code).ToListAsync(cancellationToken);
        return [.. packages.Select(p =>
        {
            // The version on sale, or else the newest one (a draft or one in review).
            var version = p.Versions.FirstOrDefault(v => v.Id == p.ActiveVersionId) ?? p.Versions.MaxBy(v => v.Number)!;
            return new PackageRow(p.Id, p.Code, version.NameEn, version.NameZh, p.Segment, p.Status, version.Number, version.EffectiveFrom,
                version.PriceCny, version.IncludedTokens, version.UnitPricePerMTok, version.BillingPeriod, subscribers.GetValueOrDefault(p.Id));
        })];
    }
}

public static class CatalogServiceCollectionExtensions
{
    public static void AddCatalog(this WebApplicationBuilder builder) => builder.Services.AddScoped<CatalogService>();
}
