using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Customers;

/// <summary>
/// A subscription as a page shows it: the package and version in force now, the current billing period, a pending
/// downgrade (package and when), the end a cancellation set, and the <see cref="Version"/> a change must send back.
/// </summary>
public sealed record SubscriptionState(
    int Id, int CustomerId, int PackageId, string PackageCode, int PackageVersionId, string PackageNameEn, string PackageNameZh, SubscriptionStatus Status,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, DateTimeOffset? SuspendedAt, BillingPeriodSpan? CurrentPeriod, ScheduledDowngrade? Pending, uint Version)
{
    public string PackageName(bool chinese) => chinese ? PackageNameZh : PackageNameEn;
}

/// <summary>A downgrade that takes effect at <see cref="From"/>.</summary>
public sealed record ScheduledDowngrade(int PackageId, string PackageCode, string PackageNameEn, string PackageNameZh, DateTimeOffset From)
{
    public string PackageName(bool chinese) => chinese ? PackageNameZh : PackageNameEn;
}

/// <summary>Reads of subscriptions for the pages and the order API (no writes: those are <see cref="SubscriptionService"/>).</summary>
public sealed class SubscriptionQueries(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The customer's subscriptions, live ones first, newest first.</summary>
    public async Task<IReadOnlyList<SubscriptionState>> OfCustomerAsync(int customerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var subscriptions = await db.Subscriptions.AsNoTracking().Include(s => s.Terms).Where(s => s.CustomerId == customerId).ToListAsync(cancellationToken);
        return await ViewsAsync(db, subscriptions, clock.GetUtcNow(), cancellationToken);
    }

    public async Task<SubscriptionState?> GetAsync(int subscriptionId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var subscriptions = await db.Subscriptions.AsNoTracking().Include(s => s.Terms).Where(s => s.Id == subscriptionId).ToListAsync(cancellationToken);
        var views = await ViewsAsync(db, subscriptions, clock.GetUtcNow(), cancellationToken);
        return views.Count == 0 ? null : views[0];
    }

    internal static async Task<IReadOnlyList<SubscriptionState>> ViewsAsync(TokenConsoleDbContext db, List<Subscription> subscriptions, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var versionIds = subscriptions.SelectMany(s => s.Terms.Select(t => t.PackageVersionId).Append(s.PackageVersionId)).Distinct().ToList();
        var versions = await db.PackageVersions.AsNoTracking().Include(v => v.Package).Where(v => versionIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, cancellationToken);
        return [.. subscriptions.Select(s => View(s, versions, now))
            .OrderBy(v => v.Status is SubscriptionStatus.Cancelled or SubscriptionStatus.Expired).ThenByDescending(v => v.StartsAt)];
    }

    private static SubscriptionState View(Subscription s, Dictionary<int, PackageVersion> versions, DateTimeOffset now)
    {
        var version = versions[s.PackageVersionId];
        var terms = s.Terms.OrderBy(t => t.From).ToList();
        var inForce = SubscriptionTerms.At(terms, now);
        var period = inForce is null ? null : SubscriptionTerms.PeriodOf(inForce, versions[inForce.PackageVersionId], now);
        var pending = terms.FirstOrDefault(t => t.From > now && t.PackageVersionId != s.PackageVersionId && t.To != t.From) is { } next
            ? new ScheduledDowngrade(versions[next.PackageVersionId].PackageId, versions[next.PackageVersionId].Package!.Code, versions[next.PackageVersionId].NameEn,
                versions[next.PackageVersionId].NameZh, next.From)
            : null;
        return new SubscriptionState(s.Id, s.CustomerId, s.PackageId, version.Package!.Code, version.Id, version.NameEn, version.NameZh, s.Status, s.StartsAt,
            s.EndsAt, s.SuspendedAt, period, pending, s.Version);
    }
}
