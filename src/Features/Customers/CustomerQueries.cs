using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Customers;

/// <summary>The customer list's filters; null or false: not filtered.</summary>
public sealed record CustomerListFilter(
    string? Search = null, CustomerSegment? Segment = null, string? RegionCode = null, string? IndustryCode = null, int? PackageId = null,
    string? AccountManagerId = null, CustomerStatus? Status = null, bool AllowanceNearLimit = false, bool LimitReached = false);

public enum CustomerSort { Code, Name, NameZh, Segment, Region, Industry, Status, Created }

/// <summary>One row of the list: names in both languages (the page picks), the packages held and the highest allowance use.</summary>
public sealed record CustomerRow(
    int Id, string Code, string Name, string NameZh, CustomerSegment Segment, string RegionEn, string RegionZh, string IndustryEn, string IndustryZh,
    string? AccountManagerId, string? AccountManager, CustomerStatus Status, DateTimeOffset CreatedAt)
{
    public IReadOnlyList<(string En, string Zh)> Packages { get; init; } = [];
    /// <summary>The highest share used of a subscription's current-period allowance, in percent; null: no bucket open.</summary>
    public decimal? AllowanceUsedPercent { get; init; }
}

/// <summary>
/// A page of the list, the number of matches, and whether the search matched more than it takes (<see cref="ICustomerSearch.MaxMatches"/>):
/// then the total counts the first <see cref="ICustomerSearch.MaxMatches"/> matches (after the other filters) and the pages run through those.
/// </summary>
public sealed record CustomerListPage(IReadOnlyList<CustomerRow> Rows, int Total, bool Capped);

/// <summary>
/// The reads of the customer pages: the list, server-paged and sorted in SQL (one page of rows, then the packages and
/// allowance of those rows only), and the filter choices. Every role reads customers.
/// </summary>
public sealed partial class CustomerQueries(IDbContextFactory<TokenConsoleDbContext> dbFactory, ICustomerSearch search, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    /// <summary>Percent of the allowance from which a customer counts as near its limit.</summary>
    public const int NearLimitPercent = 80;

    public async Task<CustomerListPage> PageAsync(CustomerListFilter filter, CustomerSort sort, bool descending, int page, int pageSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var query = db.Customers.AsNoTracking();
        var capped = false;
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            // The search is read once, at most MaxMatches + 1 ids: the count, the sort and the page below then work within
            // that bounded set (primary-key look-ups), so their cost does not grow with the number of customers matching.
            var matches = await search.Matching(db, filter.Search).ToListAsync(ct);
            capped = matches.Count > ICustomerSearch.MaxMatches;
            if (capped)
            {
                matches.RemoveRange(ICustomerSearch.MaxMatches, matches.Count - ICustomerSearch.MaxMatches);
            }
            // One JSON parameter (json_each) rather than up to 1,000 SQL parameters, which SQLite would parse and bind for
            // each of the two queries below.
            query = query.Where(c => EF.Parameter(matches).Contains(c.Id));
        }
        if (filter.Segment is { } segment)
        {
            query = query.Where(c => c.Segment == segment);
        }
        if (!string.IsNullOrEmpty(filter.RegionCode))
        {
            query = query.Where(c => c.RegionCode == filter.RegionCode);
        }
        if (!string.IsNullOrEmpty(filter.IndustryCode))
        {
            query = query.Where(c => c.IndustryCode == filter.IndustryCode);
        }
        if (!string.IsNullOrEmpty(filter.AccountManagerId))
        {
            query = query.Where(c => c.AccountManagerId == filter.AccountManagerId);
        }
        if (filter.Status is { } status)
        {
            query = query.Where(c => c.Status == status);
        }
        if (filter.PackageId is { } packageId)
        {
            query = query.Where(c => c.Subscriptions.Any(s => s.PackageId == packageId && s.Status != SubscriptionStatus.Cancelled && s.Status != SubscriptionStatus.Expired));
        }
        if (filter.LimitReached || filter.AllowanceNearLimit)
        {
            var used = search.AllowanceUsedAtLeast(db, now, filter.LimitReached ? 100 : NearLimitPercent);
            query = query.Where(c => used.Contains(c.Id));
        }
        var total = await query.CountAsync(ct);
        var rows = await Sorted(query, sort, descending).Skip(page * pageSize).Take(pageSize)
            .Select(c => new CustomerRow(c.Id, c.Code, c.Name, c.NameZh, c.Segment, c.Region!.NameEn, c.Region.NameZh, c.Industry!.NameEn, c.Industry.NameZh,
                c.AccountManagerId, db.Users.Where(u => u.Id == c.AccountManagerId).Select(u => u.DisplayName).FirstOrDefault(), c.Status, c.CreatedAt))
            .ToListAsync(ct);
        return new CustomerListPage(await WithHoldingsAsync(db, rows, now, ct), total, capped);
    }

    private static IQueryable<Customer> Sorted(IQueryable<Customer> query, CustomerSort sort, bool descending) => (sort, descending) switch
    {
        (CustomerSort.Name, false) => query.OrderBy(c => c.Name).ThenBy(c => c.Code),
        (CustomerSort.Name, true) => query.OrderByDescending(c => c.Name).ThenBy(c => c.Code),
        (CustomerSort.NameZh, false) => query.OrderBy(c => c.NameZh).ThenBy(c => c.Code),
        (CustomerSort.NameZh, true) => query.OrderByDescending(c => c.NameZh).ThenBy(c => c.Code),
        (CustomerSort.Segment, false) => query.OrderBy(c => c.Segment).ThenBy(c => c.Code),
        (CustomerSort.Segment, true) => query.OrderByDescending(c => c.Segment).ThenBy(c => c.Code),
        (CustomerSort.Region, false) => query.OrderBy(c => c.RegionCode).ThenBy(c => c.Code),
        (CustomerSort.Region, true) => query.OrderByDescending(c => c.RegionCode).ThenBy(c => c.Code),
        (CustomerSort.Industry, false) => query.OrderBy(c => c.IndustryCode).ThenBy(c => c.Code),
        (CustomerSort.Industry, true) => query.OrderByDescending(c => c.IndustryCode).ThenBy(c => c.Code),
        (CustomerSort.Status, false) => query.OrderBy(c => c.Status).ThenBy(c => c.Code),
        (CustomerSort.Status, true) => query.OrderByDescending(c => c.Status).ThenBy(c => c.Code),
        (CustomerSort.Created, false) => query.OrderBy(c => c.Id),
        (CustomerSort.Created, true) => query.OrderByDescending(c => c.Id),
        (_, false) => query.OrderBy(c => c.Code),
        (_, true) => query.OrderByDescending(c => c.Code),
    };

    /// <summary>The packages the page's customers hold and their highest allowance use now: two small queries over those ids only.</summary>
    private static async Task<IReadOnlyList<CustomerRow>> WithHoldingsAsync(TokenConsoleDbContext db, List<CustomerRow> rows, DateTimeOffset now, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return rows;
        }
        var ids = rows.Select(r => r.Id).ToList();
        var held = await db.Subscriptions.AsNoTracking()
            .Where(s => ids.Contains(s.CustomerId) && s.Status != SubscriptionStatus.Cancelled && s.Status != SubscriptionStatus.Expired)
            .Join(db.PackageVersions, s => s.PackageVersionId, v => v.Id, (s, v) => new { s.CustomerId, v.NameEn, v.NameZh })
            .ToListAsync(ct);
        var buckets = await db.AllowanceBuckets.AsNoTracking()
            .Where(b => ids.Contains(b.CustomerId) && b.Kind != BucketKind.TopUp && b.ValidFrom <= now && b.ValidTo > now)
            .Select(b => new { b.CustomerId, b.SubscriptionId, b.Included, b.Used })
            .ToListAsync(ct);
        var used = buckets.GroupBy(b => (b.CustomerId, b.SubscriptionId))
            .Select(g => (g.Key.CustomerId, Percent: AllowanceRules.UsedPercent(g.Sum(b => b.Included), g.Sum(b => b.Used))))
            .GroupBy(x => x.CustomerId).ToDictionary(g => g.Key, g => g.Max(x => x.Percent));
        return [.. rows.Select(r => r with
        {
            Packages = [.. held.Where(h => h.CustomerId == r.Id).Select(h => (h.NameEn, h.NameZh))],
            AllowanceUsedPercent = used.TryGetValue(r.Id, out var p) ? p : null,
        })];
    }

    /// <summary>The base packages customers can hold, for the package filter.</summary>
    public async Task<IReadOnlyList<(int Id, string En, string Zh)>> BasePackagesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var list = await db.Packages.AsNoTracking().Where(p => p.Kind == PackageKind.Base && p.ActiveVersionId != null)
            .OrderBy(p => p.Code).Select(p => new { p.Id, p.ActiveVersion!.NameEn, p.ActiveVersion.NameZh }).ToListAsync(ct);
        return [.. list.Select(p => (p.Id, p.NameEn, p.NameZh))];
    }
}
