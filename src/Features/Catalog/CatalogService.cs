using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Data;

namespace TokenConsole.Features.Catalog;

public sealed record PackageQuery(
    PackageStatus? Status = null, CustomerSegment? Segment = null, string? Tag = null, int? ModelId = null, string? Search = null,
    string? SortBy = null, bool Descending = false, int Page = 0, int PageSize = 25, PackageKind? Kind = null);

/// <summary>A row of the packages grid: the version on sale (or else the newest one) and any newer version in preparation.</summary>
public sealed record PackageListRow(
    int Id, string Code, string NameEn, string NameZh, CustomerSegment Segment, PackageStatus Status, int VersionId, int VersionNumber,
    DateTimeOffset? EffectiveFrom, DateTimeOffset? EffectiveTo, decimal Price, BillingPeriod Billing, long IncludedTokens, decimal UnitPricePerMTok,
    double? MarginRatio, int Subscribers, int? PendingVersionNumber, PackageStatus? PendingStatus, string Author, PackageKind Kind = PackageKind.Base);

public sealed record VersionSummary(
    int Id, int Number, PackageStatus Status, string CreatedBy, DateTimeOffset CreatedAt, string? SubmittedBy, string? PublishedBy,
    DateTimeOffset? PublishedAt, DateTimeOffset? EffectiveFrom, DateTimeOffset? EffectiveTo, decimal Price, long IncludedTokens, uint Token,
    string? CreatedById = null, string? SubmittedById = null, long TokensPerMinuteLimit = 0);

/// <summary>One version of a package as the read-only view shows it: the designer's form, frozen, and what the capacity check needs.</summary>
public sealed record VersionView(PackageForm Form, PackageStatus Status, int Subscribers);

public sealed record PackageDetail(int Id, string Code, CustomerSegment Segment, PackageStatus Status, int? ActiveVersionId, uint Token,
    int Subscribers, IReadOnlyList<VersionSummary> Versions, PackageTerms Current);

/// <summary>
/// Reads the catalog: the paged grid, a package's versions and terms, what the designer needs (models with their costs
/// and recent traffic, the segment's price ladder) and whether a package may still be subscribed to.
/// </summary>
public sealed class CatalogService(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock, IOptions<CatalogOptions> options)
{
    /// <summary>How far back "recent usage" looks for the input/output mix and the model split of the margin preview.</summary>
    public static readonly TimeSpan RecentUsageWindow = TimeSpan.FromDays(30);

    public CatalogOptions Options => options.Value;

    /// <summary>
    /// One page of the grid. Filters run in SQL on each package's current version; the filtered rows (a catalog holds tens
    /// to hundreds of packages) are sorted and cut to the page here, because unit price and margin are computed columns.
    /// </summary>
    public async Task<(IReadOnlyList<PackageListRow> Rows, int Total)> ListAsync(PackageQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var current = db.PackageVersions.AsNoTracking()
            .Where(v => v.Id == (v.Package!.ActiveVersionId ?? v.Package.Versions.Max(x => x.Id)));
        if (query.Status is { } status)
        {
            current = current.Where(v => v.Package!.Status == status);
        }
        if (query.Segment is { } segment)
        {
            current = current.Where(v => v.Package!.Segment == segment);
        }
        if (query.Kind is { } kind)
        {
            current = current.Where(v => v.Package!.Kind == kind);
        }
        if (!string.IsNullOrWhiteSpace(query.Tag))
        {
            var tag = "," + query.Tag.Trim() + ",";
            current = current.Where(v => ("," + v.Tags + ",").Contains(tag));
        }
        if (query.ModelId is { } modelId)
        {
            current = current.Where(v => v.Entitlements.Any(e => e.ModelId == modelId));
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var like = "%" + query.Search.Trim().Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) + "%";
            // Case-insensitive on both providers: SQLite's LIKE ignores ASCII case, PostgreSQL's needs ILIKE.
            current = db.Database.IsNpgsql()
                ? current.Where(v => EF.Functions.ILike(v.Package!.Code, like) || EF.Functions.ILike(v.NameEn, like) || EF.Functions.ILike(v.NameZh, like))
                : current.Where(v => EF.Functions.Like(v.Package!.Code, like) || EF.Functions.Like(v.NameEn, like) || EF.Functions.Like(v.NameZh, like));
        }
        var versions = await current.Include(v => v.Package).Include(v => v.Entitlements).ToListAsync(cancellationToken);
        var ids = versions.Select(v => v.PackageId).ToList();
        var pending = await db.PackageVersions.AsNoTracking()
            .Where(v => ids.Contains(v.PackageId) && v.Package!.ActiveVersionId != null && v.Id != v.Package.ActiveVersionId
                && (v.Status == PackageStatus.Draft || v.Status == PackageStatus.InReview || v.Status == PackageStatus.Scheduled))
            .Select(v => new { v.PackageId, v.Number, v.Status }).ToListAsync(cancellationToken);
        var subscribers = await db.Subscriptions.Where(s => s.Status == SubscriptionStatus.Active && ids.Contains(s.PackageId))
            .GroupBy(s => s.PackageId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var models = await ModelsAsync(db, cancellationToken);

        var rows = versions.Select(v =>
        {
            var p = v.Package!;
            var form = PackageForm.From(p, v, asNewVersion: false);
            var margin = MarginCalculator.Compute(form, models, MarginCalculator.RecentInputShare(form.Entitlements, models), Options.MarginWarningThreshold);
            var next = pending.Where(x => x.PackageId == p.Id).MaxBy(x => x.Number)
                ?? (v.Status == PackageStatus.Scheduled ? new { v.PackageId, v.Number, v.Status } : null);
            return new PackageListRow(p.Id, p.Code, v.NameEn, v.NameZh, p.Segment, p.Status, v.Id, v.Number, v.EffectiveFrom, v.EffectiveTo,
                v.PriceCny, v.BillingPeriod, v.IncludedTokens, v.UnitPricePerMTok, margin.MarginRatio, subscribers.GetValueOrDefault(p.Id),
                next?.Number, next?.Status, v.CreatedBy, p.Kind);
        });
        var sorted = (query.SortBy ?? "Code") switch
        {
            "NameEn" => Order(rows, r => r.NameEn, query.Descending),
            "Segment" => Order(rows, r => r.Segment, query.Descending),
            "Status" => Order(rows, r => r.Status, query.Descending),
            "EffectiveFrom" => Order(rows, r => r.EffectiveFrom, query.Descending),
            "Price" => Order(rows, r => r.Price, query.Descending),
            "IncludedTokens" => Order(rows, r => r.IncludedTokens, query.Descending),
            "UnitPricePerMTok" => Order(rows, r => r.UnitPricePerMTok, query.Descending),
            "MarginRatio" => Order(rows, r => r.MarginRatio, query.Descending),
            "Subscribers" => Order(rows, r => r.Subscribers, query.Descending),
            _ => Order(rows, r => r.Code, query.Descending),
        };
        var list = sorted.ToList();
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        return ([.. list.Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)], list.Count);
    }

    private static IOrderedEnumerable<PackageListRow> Order<TKey>(IEnumerable<PackageListRow> rows, Func<PackageListRow, TKey> key, bool descending) =>
        descending ? rows.OrderByDescending(key).ThenBy(r => r.Code, StringComparer.Ordinal) : rows.OrderBy(key).ThenBy(r => r.Code, StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<int, ModelInfo>> ModelsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ModelsAsync(db, cancellationToken);
    }

    private async Task<IReadOnlyDictionary<int, ModelInfo>> ModelsAsync(TokenConsoleDbContext db, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().UtcDateTime - RecentUsageWindow;
        var usage = await db.UsageRollups.Where(r => r.Hour >= since).GroupBy(r => r.ModelId)
            .Select(g => new { g.Key, Input = g.Sum(r => r.InputTokens), Output = g.Sum(r => r.OutputTokens) })
            .ToDictionaryAsync(x => x.Key, cancellationToken);
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Name).ToListAsync(cancellationToken);
        return models.ToDictionary(m => m.Id, m =>
        {
            var u = usage.GetValueOrDefault(m.Id);
            return new ModelInfo(m.Id, m.Code, m.Name, m.Status, m.InputCostPerMTok, m.OutputCostPerMTok, u?.Input ?? 0, u?.Output ?? 0);
        });
    }

    public async Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Industries.OrderBy(i => i.Code).Select(i => i.Code).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, Industry>> IndustriesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Industries.AsNoTracking().ToDictionaryAsync(i => i.Code, cancellationToken);
    }

    /// <summary>
    /// The active packages of a segment and kind with their size and unit price, for the price ladder: top-up packs are
    /// laddered among themselves (a pack's per-token price against a base package's says little).
    /// </summary>
    public async Task<IReadOnlyList<LadderRung>> LadderAsync(CustomerSegment segment, PackageKind kind = PackageKind.Base, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Packages.AsNoTracking()
            .Where(p => p.Segment == segment && p.Kind == kind && p.Status == PackageStatus.Active && p.ActiveVersion != null)
            .Select(p => new { p.Id, p.Code, p.ActiveVersion!.NameEn, p.ActiveVersion.NameZh, p.ActiveVersion.IncludedTokens, p.ActiveVersion.PriceCny })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new LadderRung(r.Id, r.Code, r.NameEn, r.NameZh, r.IncludedTokens,
            r.IncludedTokens == 0 ? 0 : r.PriceCny / r.IncludedTokens * 1_000_000m, false))];
    }

    public async Task<bool> IsCodeTakenAsync(string code, int? exceptPackageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var normalized = code.Trim().ToUpperInvariant();
        return await db.Packages.AnyAsync(p => p.Code == normalized && p.Id != exceptPackageId, cancellationToken);
    }

    /// <summary>
    /// What the designer opens for a package: its draft, or the version in review (read-only), or — for a package on sale —
    /// a new draft based on the active version (created on first save). Null when the package does not exist.
    /// </summary>
    public async Task<(PackageForm Form, PackageStatus EditedStatus)?> EditorAsync(int packageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var package = await LoadAsync(db, packageId, cancellationToken);
        if (package is null)
        {
            return null;
        }
        var newest = package.Versions.MaxBy(v => v.Number)!;
        if (newest.Status is PackageStatus.Draft or PackageStatus.InReview or PackageStatus.Scheduled)
        {
            return (PackageForm.From(package, newest, asNewVersion: false), newest.Status);
        }
        var basis = package.Versions.FirstOrDefault(v => v.Id == package.ActiveVersionId) ?? newest;
        return (PackageForm.From(package, basis, asNewVersion: true), PackageStatus.Draft);
    }

    public async Task<PackageDetail?> DetailAsync(int packageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var package = await LoadAsync(db, packageId, cancellationToken);
        if (package is null)
        {
            return null;
        }
        var modelNames = await db.Models.ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);
        var subscribers = await db.Subscriptions.CountAsync(s => s.PackageId == packageId && s.Status == SubscriptionStatus.Active, cancellationToken);
        var current = package.Versions.FirstOrDefault(v => v.Id == package.ActiveVersionId) ?? package.Versions.MaxBy(v => v.Number)!;
        return new PackageDetail(package.Id, package.Code, package.Segment, package.Status, package.ActiveVersionId, package.Version, subscribers,
            [.. package.Versions.OrderByDescending(v => v.Number).Select(v => new VersionSummary(v.Id, v.Number, v.Status, v.CreatedBy, v.CreatedAt,
                v.SubmittedBy, v.PublishedBy, v.PublishedAt, v.EffectiveFrom, v.EffectiveTo, v.PriceCny, v.IncludedTokens, v.Version, v.CreatedById, v.SubmittedById,
                v.TokensPerMinuteLimit))],
            PackageTerms.Of(package, current, modelNames));
    }

    /// <summary>
    /// Any version of a package as the designer's form, for the read-only view every reader may open (an approver reads the
    /// whole version before deciding). Null when the package or the version does not exist.
    /// </summary>
    public async Task<VersionView?> VersionAsync(int packageId, int versionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var package = await LoadAsync(db, packageId, cancellationToken);
        if (package?.Versions.FirstOrDefault(v => v.Id == versionId) is not { } version)
        {
            return null;
        }
        var subscribers = await db.Subscriptions.CountAsync(s => s.PackageId == packageId && s.Status == SubscriptionStatus.Active, cancellationToken);
        return new VersionView(PackageForm.From(package, version, asNewVersion: false), version.Status, subscribers);
    }

    /// <summary>The terms of two versions of the same package, for the side-by-side comparison.</summary>
    public async Task<(PackageTerms A, PackageTerms B)?> CompareAsync(int packageId, int versionA, int versionB, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var package = await LoadAsync(db, packageId, cancellationToken);
        var a = package?.Versions.FirstOrDefault(v => v.Id == versionA);
        var b = package?.Versions.FirstOrDefault(v => v.Id == versionB);
        if (package is null || a is null || b is null)
        {
            return null;
        }
        var modelNames = await db.Models.ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);
        return (PackageTerms.Of(package, a, modelNames), PackageTerms.Of(package, b, modelNames));
    }

    /// <summary>New subscriptions are taken only by a package on sale; a retired package keeps serving the ones it has.</summary>
    public async Task<bool> IsOpenForNewSubscriptionsAsync(int packageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Packages.AnyAsync(p => p.Id == packageId && p.Status == PackageStatus.Active && p.ActiveVersionId != null, cancellationToken);
    }

    internal static Task<TokenPackage?> LoadAsync(TokenConsoleDbContext db, int packageId, CancellationToken cancellationToken) =>
        db.Packages.Include(p => p.Versions).ThenInclude(v => v.Tiers)
            .Include(p => p.Versions).ThenInclude(v => v.Entitlements)
            .AsSplitQuery()
            .FirstOrDefaultAsync(p => p.Id == packageId, cancellationToken);
}
