using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Customers;

public sealed partial class CustomerQueries
{
    /// <summary>Entries of the customer's trail shown on its page (the audit log holds them all).</summary>
    public const int AuditEntriesShown = 50;

    /// <summary>The customer page's data, or null for an unknown code (case-insensitive: codes are stored upper-case).</summary>
    public async Task<CustomerDetails?> DetailsAsync(string code, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = CustomerForm.NormalizeCode(code);
        var customer = await db.Customers.AsNoTracking().Include(c => c.Region).Include(c => c.Industry).FirstOrDefaultAsync(c => c.Code == key, ct);
        if (customer is null)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var manager = customer.AccountManagerId is null ? null
            : await db.Users.Where(u => u.Id == customer.AccountManagerId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        var subscriptions = await SubscriptionsAsync(db, customer.Id, now, ct);
        var usage = await UsageAsync(db, customer.Id, subscriptions, now, ct);
        var bills = await db.Bills.AsNoTracking().Where(b => b.CustomerId == customer.Id).OrderByDescending(b => b.Period).ToListAsync(ct);
        var credits = await db.CreditNotes.AsNoTracking().Where(n => n.CustomerId == customer.Id).OrderByDescending(n => n.ProposedAt).ToListAsync(ct);
        var names = subscriptions.ToDictionary(s => s.Id);
        var notifications = (await db.CustomerNotifications.AsNoTracking().Where(n => n.CustomerId == customer.Id)
                .OrderByDescending(n => n.CreatedAt).Take(100).ToListAsync(ct))
            .Select(n => new NotificationView(n.CreatedAt, n.Threshold, n.SubscriptionId,
                names.TryGetValue(n.SubscriptionId, out var s) ? s.En : "", names.TryGetValue(n.SubscriptionId, out var z) ? z.Zh : ""))
            .ToList();
        return new CustomerDetails(customer, customer.Region!.NameEn, customer.Region.NameZh, customer.Industry!.NameEn, customer.Industry.NameZh, manager,
            subscriptions, usage, bills, credits, notifications, await AuditTrailAsync(db, customer.Id, [.. subscriptions.Select(s => s.Id)], [.. credits.Select(n => n.Id)], ct));
    }

    private static async Task<List<SubscriptionView>> SubscriptionsAsync(TokenConsoleDbContext db, int customerId, DateTimeOffset now, CancellationToken ct)
    {
        var subscriptions = await db.Subscriptions.AsNoTracking().Include(s => s.Terms).Where(s => s.CustomerId == customerId)
            .OrderBy(s => s.StartsAt).ToListAsync(ct);
        var versionIds = subscriptions.SelectMany(s => s.Terms.Select(t => t.PackageVersionId).Append(s.PackageVersionId)).Distinct().ToList();
        var versions = await db.PackageVersions.AsNoTracking().Include(v => v.Package).Where(v => versionIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
        var ids = subscriptions.Select(s => s.Id).ToList();
        var buckets = await db.AllowanceBuckets.AsNoTracking().Where(b => ids.Contains(b.SubscriptionId) && b.ValidTo > now.AddYears(-1)).ToListAsync(ct);
        var topUpVersionIds = buckets.Where(b => b.TopUpPackageVersionId is not null).Select(b => b.TopUpPackageVersionId!.Value).Distinct().ToList();
        var topUps = await db.PackageVersions.AsNoTracking().Where(v => topUpVersionIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
        return [.. subscriptions.Select(s => View(s, versions, buckets.Where(b => b.SubscriptionId == s.Id).ToList(), topUps, now))];
    }

    /// <summary>
    /// A subscription as the page shows it: the term in force now (or the last one), its current period, and that period's
    /// buckets — the rows the usage writer opened, or, before the period's first usage, the virtual allowance (the version's
    /// included tokens, nothing used) and the rollover it would carry — plus the top-ups valid now.
    /// </summary>
    public static SubscriptionView View(Subscription s, IReadOnlyDictionary<int, PackageVersion> versions, IReadOnlyList<AllowanceBucket> buckets,
        IReadOnlyDictionary<int, PackageVersion> topUps, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        var terms = s.Terms.OrderBy(t => t.From).ToList();
        var term = SubscriptionTerms.At(terms, now) ?? terms.LastOrDefault(t => t.From <= now);
        var version = versions.GetValueOrDefault(term?.PackageVersionId ?? s.PackageVersionId) ?? versions[s.PackageVersionId];
        // A downgrade waiting for the period's end: the next term (a zero-length one, should there be any, changes nothing).
        var pending = terms.FirstOrDefault(t => t.From > now && t.To != t.From) is { } next && versions.TryGetValue(next.PackageVersionId, out var nextVersion)
            ? new PendingChange(next.PackageVersionId, nextVersion.Package?.Code ?? "", nextVersion.NameEn, nextVersion.NameZh, next.From) : null;
        var period = term is null ? null : SubscriptionTerms.PeriodOf(term, version, now);
        var bars = new List<BucketBar>();
        if (period is { } p && term is not null)
        {
            var start = new DateTimeOffset(p.Start, TimeSpan.Zero);
            var validTo = new DateTimeOffset(p.End, TimeSpan.Zero);
            if (term.To is { } to && to < validTo)
            {
                validTo = to;
            }
            var allowance = buckets.FirstOrDefault(b => b.Kind == BucketKind.Allowance && b.PeriodStart == start);
            var rollover = buckets.FirstOrDefault(b => b.Kind == BucketKind.Rollover && b.PeriodStart == start);
            if (rollover is not null)
            {
                bars.Add(new BucketBar(BucketKind.Rollover, rollover.Included, rollover.Used, rollover.ValidTo, Virtual: false));
            }
            else if (allowance is null && version.RolloverPercent > 0
                     && BillingCycle.Previous(version.BillingPeriod, version.ValidityDays, term.Anchor, p) is { } previous
                     && buckets.FirstOrDefault(b => b.Kind == BucketKind.Allowance && b.PeriodStart == new DateTimeOffset(previous.Start, TimeSpan.Zero)) is { } last
                     && AllowanceRules.Rollover(version, last.Included, last.Used) is > 0 and var carried)
            {
                bars.Add(new BucketBar(BucketKind.Rollover, carried, 0, validTo, Virtual: true));
            }
            bars.Add(allowance is not null
                ? new BucketBar(BucketKind.Allowance, allowance.Included, allowance.Used, allowance.ValidTo, Virtual: false)
                : new BucketBar(BucketKind.Allowance, version.IncludedTokens, 0, validTo, Virtual: true));
        }
        bars.AddRange(buckets.Where(b => b.Kind == BucketKind.TopUp && b.ValidFrom <= now && b.ValidTo > now).OrderBy(b => b.ValidTo).ThenBy(b => b.Id)
            .Select(b => topUps.TryGetValue(b.TopUpPackageVersionId ?? 0, out var t)
                ? new BucketBar(BucketKind.TopUp, b.Included, b.Used, b.ValidTo, false, t.NameEn, t.NameZh)
                : new BucketBar(BucketKind.TopUp, b.Included, b.Used, b.ValidTo, false)));
        return new SubscriptionView(s.Id, s.Version, s.PackageId, version.Package?.Code ?? "", version.NameEn, version.NameZh, s.Status, s.StartsAt, s.EndsAt,
            s.SuspendedAt, pending, period, bars, version.WhenExhausted);
    }

    private static async Task<UsageComparison> UsageAsync(TokenConsoleDbContext db, int customerId, IReadOnlyList<SubscriptionView> subscriptions, DateTimeOffset now, CancellationToken ct)
    {
        // The period of the customer's first running subscription; a customer without one compares Beijing calendar months.
        var current = subscriptions.FirstOrDefault(s => s.Running && s.Period is not null)?.Period
            ?? new BillingPeriodSpan(BusinessCalendar.MonthStartUtc(now), BusinessCalendar.ToUtc(BusinessCalendar.ToLocal(BusinessCalendar.MonthStartUtc(now)).AddMonths(1)));
        var previous = PeriodBefore(current);
        var rows = await db.CustomerDailyUsage.AsNoTracking()
            .Where(u => u.CustomerId == customerId && u.Day >= previous.Start && u.Day < current.End)
            .ToListAsync(ct);
        var modelIds = rows.Select(r => r.ModelId).Distinct().ToList();
        var models = await db.Models.AsNoTracking().Where(m => modelIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        ModelUsage? Sum(IEnumerable<Usage.CustomerDailyUsage> of, int modelId)
        {
            var list = of.Where(r => r.ModelId == modelId).ToList();
            return list.Count == 0 ? null : new ModelUsage(modelId, models.GetValueOrDefault(modelId, ""), list.Sum(r => r.BucketTokens + r.OverageTokens),
                list.Sum(r => r.Calls), list.Sum(r => r.RevenueMicros), list.Sum(r => r.LeakageTokens));
        }
        var now_ = rows.Where(r => r.Day >= current.Start).ToList();
        var before = rows.Where(r => r.Day < current.Start).ToList();
        var comparison = modelIds.Select(id => (Model: models.GetValueOrDefault(id, ""), Now: Sum(now_, id), Before: Sum(before, id)))
            .OrderByDescending(m => m.Now?.BillableTokens ?? 0).ThenBy(m => m.Model, StringComparer.Ordinal).ToList();
        return new UsageComparison(current, previous, comparison);
    }

    /// <summary>
    /// The period of the same length just before: the year before an annual period (not its last month), the month
    /// before a monthly one, as many days before one counted in days (a one-off pack's validity).
    /// </summary>
    internal static BillingPeriodSpan PeriodBefore(BillingPeriodSpan current)
    {
        var (start, end) = (BusinessCalendar.ToLocal(current.Start), BusinessCalendar.ToLocal(current.End));
        var months = (end.Year - start.Year) * 12 + end.Month - start.Month;
        var previousStart = months > 0 && start.AddMonths(months) == end ? start.AddMonths(-months) : start - (end - start);
        return new BillingPeriodSpan(BusinessCalendar.ToUtc(previousStart), current.Start);
    }

    /// <summary>The changes of the customer, its subscriptions and its credit notes (proposed, approved, rejected).</summary>
    private static async Task<List<Admin.AuditEntry>> AuditTrailAsync(TokenConsoleDbContext db, int customerId, IReadOnlyList<int> subscriptionIds,
        IReadOnlyList<long> creditNoteIds, CancellationToken ct)
    {
        var customerKey = customerId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var subscriptionKeys = subscriptionIds.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var creditNoteKeys = creditNoteIds.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return await db.AuditEntries.AsNoTracking()
            .Where(a => (a.EntityType == nameof(Customer) && a.EntityId == customerKey) || (a.EntityType == nameof(Subscription) && subscriptionKeys.Contains(a.EntityId!))
                || (a.EntityType == nameof(Billing.CreditNote) && creditNoteKeys.Contains(a.EntityId!)))
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(AuditEntriesShown).ToListAsync(ct);
    }

    /// <summary>The active base packages a customer may subscribe to or change to, and the top-up packs on sale.</summary>
    public async Task<(IReadOnlyList<PackageChoice> Base, IReadOnlyList<PackageChoice> TopUps)> PackageChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var list = await db.Packages.AsNoTracking().Where(p => p.ActiveVersionId != null && p.Status == PackageStatus.Active)
            .OrderBy(p => p.Code).Select(p => new PackageChoice(p.Id, p.Code, p.Kind, p.ActiveVersion!.NameEn, p.ActiveVersion.NameZh, p.ActiveVersion.PriceCny, p.ActiveVersion.IncludedTokens))
            .ToListAsync(ct);
        return ([.. list.Where(p => p.Kind == PackageKind.Base)], [.. list.Where(p => p.Kind == PackageKind.TopUp)]);
    }
}

/// <summary>A package on sale, for the subscription dialogs.</summary>
public sealed record PackageChoice(int Id, string Code, PackageKind Kind, string En, string Zh, decimal PriceCny, long IncludedTokens)
{
    public string Name(bool chinese) => chinese ? Zh : En;
}
