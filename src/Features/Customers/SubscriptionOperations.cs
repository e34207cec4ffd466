using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Customers;

/// <summary>
/// The rules of the subscription operations, run inside a write of <see cref="AuditedWriter"/> (the person's through
/// <see cref="SubscriptionService"/>, or the order system's through <see cref="OrderService"/>). Each checks the
/// <c>version</c> the caller saw, changes the subscription and its terms as the design says, and records an audit entry.
/// </summary>
public static class SubscriptionOperations
{
    public const string GoneCode = "This subscription no longer exists.";
    public static readonly Refusal Gone = new(GoneCode);
    public static readonly Refusal CustomerGone = new("This customer no longer exists.", "customer");

    /// <summary>How far in the past a start may be (the form was filled a moment ago).</summary>
    public static readonly TimeSpan StartTolerance = TimeSpan.FromMinutes(1);

    public static async Task<WriteResult<int>> SubscribeAsync(WriteContext w, int customerId, int packageId, DateTimeOffset? startsAt, CancellationToken cancellationToken)
    {
        var db = w.Db;
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        if (customer is null)
        {
            return CustomerGone;
        }
        if (customer.Status != CustomerStatus.Active)
        {
            return new Refusal("This customer is closed: it cannot take new subscriptions.", "customer");
        }
        var start = startsAt ?? w.Now;
        if (start < w.Now - StartTolerance)
        {
            return new Refusal("The start cannot be in the past.", "startsAt");
        }
        var package = await OnSaleAsync(db, packageId, PackageKind.Base, cancellationToken);
        if (package is null)
        {
            return new Refusal("Choose a base package that is on sale.", "package");
        }
        if (package.Segment != customer.Segment)
        {
            return new Refusal("This package is not sold to the customer's segment.", "package");
        }
        if (await HoldsPackageAsync(db, customer.Id, package.Id, null, w.Now, cancellationToken))
        {
            return new Refusal("The customer already holds a subscription to this package.", "package");
        }
        var version = package.ActiveVersion!;
        var subscription = new Subscription
        {
            CustomerId = customer.Id, PackageId = package.Id, PackageVersionId = version.Id, StartsAt = start, Status = SubscriptionStatus.Active,
            Terms = [new SubscriptionTerm { PackageVersionId = version.Id, From = start, Anchor = BusinessCalendar.DayStartUtc(start.UtcDateTime) }],
        };
        db.Subscriptions.Add(subscription);
        // Saved here (inside the write's transaction) so that the caller gets the new id.
        await db.SaveChangesAsync(cancellationToken);
        w.Audit(AuditActions.SubscriptionCreated, "Subscription", Key(subscription.Id), null, SubscriptionSnapshot.Of(subscription, customer.Code, package.Code));
        return subscription.Id;
    }

    public static async Task<WriteResult<Done>> ChangePackageAsync(WriteContext w, int subscriptionId, uint version, int packageId, PackageChange change,
        CancellationToken cancellationToken)
    {
        var db = w.Db;
        var (s, refused) = await LoadAsync(w, subscriptionId, version, cancellationToken);
        if (s is null)
        {
            return refused!;
        }
        if (s.Status != SubscriptionStatus.Active)
        {
            return new Refusal("Only an active subscription can change package. Resume it first.");
        }
        if (s.EndsAt is not null)
        {
            return new Refusal("This subscription is cancelled at the end of its period. Undo the cancellation first.");
        }
        var target = await OnSaleAsync(db, packageId, PackageKind.Base, cancellationToken);
        if (target is null)
        {
            return new Refusal("Choose a base package that is on sale.", "package");
        }
        if (target.Id == s.PackageId)
        {
            return new Refusal("The subscription already holds this package.", "package");
        }
        if (target.Segment != s.Customer!.Segment)
        {
            return new Refusal("This package is not sold to the customer's segment.", "package");
        }
        if (await HoldsPackageAsync(db, s.CustomerId, target.Id, s.Id, w.Now, cancellationToken))
        {
            return new Refusal("The customer already holds a subscription to this package.", "package");
        }
        var currentVersion = await db.PackageVersions.AsNoTracking().FirstAsync(v => v.Id == s.PackageVersionId, cancellationToken);
        var newVersion = target.ActiveVersion!;
        var (currentFee, newFee) = (FeePerDay(currentVersion), FeePerDay(newVersion));
        if (change == PackageChange.Upgrade && newFee < currentFee)
        {
            return new Refusal("The new package costs less per day than the current one: choose a downgrade.", "package");
        }
        if (change == PackageChange.Downgrade && newFee > currentFee)
        {
            return new Refusal("The new package costs more per day than the current one: choose an upgrade.", "package");
        }

        var before = await SnapshotAsync(db, s, cancellationToken);
        var terms = s.Terms.OrderBy(t => t.From).ToList();
        var inForce = SubscriptionTerms.At(terms, w.Now);
        if (inForce is null)
        {
            // Not started yet: the first term simply holds the new package from its start.
            if (terms.FirstOrDefault(t => t.From > w.Now) is not { } first)
            {
                return new Refusal("Only an active subscription can change package. Resume it first.");
            }
            RemovePending(db, s, first.From);
            first.PackageVersionId = newVersion.Id;
            first.To = null;
            s.PackageId = target.Id;
            s.PackageVersionId = newVersion.Id;
        }
        else if (change == PackageChange.Upgrade)
        {
            RemovePending(db, s, w.Now);
            inForce.To = w.Now;
            s.Terms.Add(new SubscriptionTerm { PackageVersionId = newVersion.Id, From = w.Now, Anchor = BusinessCalendar.DayStartUtc(w.Now.UtcDateTime) });
            s.PackageId = target.Id;
            s.PackageVersionId = newVersion.Id;
        }
        else
        {
            // A pending downgrade is replaced by this one: one pending change at a time.
            RemovePending(db, s, w.Now);
            var period = SubscriptionTerms.PeriodOf(inForce, currentVersion, w.Now)!.Value;
            var end = new DateTimeOffset(period.End, TimeSpan.Zero);
            inForce.To = end;
            // The same anniversary keeps the cycle when the new package counts periods the same way; otherwise its
            // periods count from the day it starts.
            var anchor = newVersion.BillingPeriod == currentVersion.BillingPeriod && newVersion.BillingPeriod != BillingPeriod.OneOff ? inForce.Anchor : period.End;
            s.Terms.Add(new SubscriptionTerm { PackageVersionId = newVersion.Id, From = end, Anchor = anchor });
            // Subscription.PackageId/PackageVersionId follow at the period end (SubscriptionClock), when the term takes effect.
        }
        var action = change == PackageChange.Upgrade ? AuditActions.SubscriptionUpgraded : AuditActions.SubscriptionDowngradeScheduled;
        Touch(db, s);
        w.Audit(action, "Subscription", Key(s.Id), before, SubscriptionSnapshot.Of(s, s.Customer!.Code, s.PackageId == target.Id ? target.Code : before.Package));
        return Done.Value;
    }

    public static async Task<WriteResult<Done>> UndoDowngradeAsync(WriteContext w, int subscriptionId, uint version, CancellationToken cancellationToken)
    {
        var (s, refused) = await LoadAsync(w, subscriptionId, version, cancellationToken);
        if (s is null)
        {
            return refused!;
        }
        var inForce = SubscriptionTerms.At(s.Terms.OrderBy(t => t.From).ToList(), w.Now);
        if (inForce is null || s.EndsAt is not null || !s.Terms.Any(t => t.From > w.Now))
        {
            return new Refusal("There is no pending downgrade to undo.");
        }
        var before = await SnapshotAsync(w.Db, s, cancellationToken);
        RemovePending(w.Db, s, w.Now);
        inForce.To = null;
        Touch(w.Db, s);
        w.Audit(AuditActions.SubscriptionDowngradeUndone, "Subscription", Key(s.Id), before, before.After(s));
        return Done.Value;
    }

    public static async Task<WriteResult<Done>> SuspendAsync(WriteContext w, int subscriptionId, uint version, string? reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return new Refusal("Give a reason for the suspension.", "reason");
        }
        if (reason.Trim().Length > 500)
        {
            return new Refusal("The reason is longer than {0} characters.", "reason", 500);
        }
        var (s, refused) = await LoadAsync(w, subscriptionId, version, cancellationToken);
        if (s is null)
        {
            return refused!;
        }
        if (s.Status != SubscriptionStatus.Active)
        {
            return new Refusal("Only an active subscription can be suspended.");
        }
        var before = await SnapshotAsync(w.Db, s, cancellationToken);
        s.Status = SubscriptionStatus.Suspended;
        s.SuspendedAt = w.Now;
        w.Audit(AuditActions.SubscriptionSuspended, "Subscription", Key(s.Id), before, before.After(s) with { Reason = reason.Trim() });
        return Done.Value;
    }

    public static async Task<WriteResult<Done>> ResumeAsync(WriteContext w, int subscriptionId, uint version, CancellationToken cancellationToken)
    {
        var (s, refused) = await LoadAsync(w, subscriptionId, version, cancellationToken);
        if (s is null)
        {
            return refused!;
        }
        if (s.Status != SubscriptionStatus.Suspended)
        {
            return new Refusal("Only a suspended subscription can be resumed.");
        }
        var before = await SnapshotAsync(w.Db, s, cancellationToken);
        s.Status = SubscriptionStatus.Active;
        s.SuspendedAt = null;
        w.Audit(AuditActions.SubscriptionResumed, "Subscription", Key(s.Id), before, before.After(s));
        return Done.Value;
    }

    /// <summary>
    /// The last term ends at the end of the current period and <see cref="Subscription.EndsAt"/> says when; the clock sets
    /// the status then. A pending downgrade would start at that very instant, so it goes. A subscription that has not
    /// started ends at its start: it is never charged.
    /// </summary>
    public static async Task<WriteResult<Done>> CancelAsync(WriteContext w, int subscriptionId, uint version, CancellationToken cancellationToken)
    {
        var (s, refused) = await LoadAsync(w, subscriptionId, version, cancellationToken);
        if (s is null)
        {
            return refused!;
        }
        if (s.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Suspended))
        {
            return new Refusal("Only an active or suspended subscription can be cancelled.");
        }
        if (s.EndsAt is not null)
        {
            return new Refusal("This subscription is already cancelled at the end of its period.");
        }
        var before = await SnapshotAsync(w.Db, s, cancellationToken);
        var terms = s.Terms.OrderBy(t => t.From).ToList();
        var inForce = SubscriptionTerms.At(terms, w.Now);
        DateTimeOffset end;
        if (inForce is null)
        {
            var first = terms.First();
            end = first.From > w.Now ? first.From : w.Now;
            RemovePending(w.Db, s, end);
            (terms.LastOrDefault(t => t.From <= end) ?? first).To = end;
        }
        else
        {
            var version0 = await w.Db.PackageVersions.AsNoTracking().FirstAsync(v => v.Id == inForce.PackageVersionId, cancellationToken);
            end = SubscriptionTerms.PeriodOf(inForce, version0, w.Now) is { } period ? new DateTimeOffset(period.End, TimeSpan.Zero) : w.Now;
            RemovePending(w.Db, s, w.Now);
            inForce.To = end;
        }
        s.EndsAt = end;
        Touch(w.Db, s);
        w.Audit(AuditActions.SubscriptionCancelScheduled, "Subscription", Key(s.Id), before, before.After(s));
        return Done.Value;
    }

    public static async Task<WriteResult<Done>> UndoCancelAsync(WriteContext w, int subscriptionId, uint version, CancellationToken cancellationToken)
    {
        var (s, refused) = await LoadAsync(w, subscriptionId, version, cancellationToken);
        if (s is null)
        {
            return refused!;
        }
        if (s.EndsAt is not { } endsAt || endsAt <= w.Now || s.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Suspended))
        {
            return new Refusal("There is no cancellation to undo.");
        }
        var before = await SnapshotAsync(w.Db, s, cancellationToken);
        s.Terms.OrderBy(t => t.From).Last().To = null;
        s.EndsAt = null;
        Touch(w.Db, s);
        w.Audit(AuditActions.SubscriptionCancelUndone, "Subscription", Key(s.Id), before, before.After(s));
        return Done.Value;
    }

    /// <summary>A top-up pack: its tokens valid from now for its validity days, at its one-off price, on an active base subscription.</summary>
    public static async Task<WriteResult<long>> BuyTopUpAsync(WriteContext w, int subscriptionId, uint? version, int topUpPackageId, CancellationToken cancellationToken)
    {
        var db = w.Db;
        var (s, refused) = await LoadAsync(w, subscriptionId, version, cancellationToken);
        if (s is null)
        {
            return refused!;
        }
        if (s.Status != SubscriptionStatus.Active || SubscriptionTerms.At(s.Terms, w.Now) is null)
        {
            return new Refusal("A top-up needs an active base subscription (started, not suspended, cancelled or expired).");
        }
        var package = await OnSaleAsync(db, topUpPackageId, PackageKind.TopUp, cancellationToken);
        if (package is null)
        {
            return new Refusal("Choose a top-up pack that is on sale.", "package");
        }
        var pack = package.ActiveVersion!;
        var bucket = new AllowanceBucket
        {
            SubscriptionId = s.Id, CustomerId = s.CustomerId, Kind = BucketKind.TopUp, PeriodStart = w.Now, ValidFrom = w.Now,
            ValidTo = w.Now.AddDays(Math.Max(1, pack.ValidityDays)), Included = pack.IncludedTokens, TopUpPackageId = package.Id,
            TopUpPackageVersionId = pack.Id, PriceFen = FeeSpread.ToFen(pack.PriceCny), SoldById = w.Actor.Id,
        };
        db.AllowanceBuckets.Add(bucket);
        // Selling a top-up changes what the subscription holds: the version moves, so a page that saw the old one reloads.
        Touch(db, s);
        await db.SaveChangesAsync(cancellationToken);
        w.Audit(AuditActions.TopUpSold, "Subscription", Key(s.Id), null,
            new TopUpSnapshot(s.Customer!.Code, package.Code, bucket.Id, bucket.Included, bucket.ValidFrom, bucket.ValidTo, bucket.PriceFen!.Value));
        return bucket.Id;
    }

    /// <summary>
    /// A daily fee to compare packages whose periods differ: an annual fee over 365 days, a monthly one over 365/12, a
    /// one-off one over its validity days.
    /// </summary>
    public static decimal FeePerDay(PackageVersion version) => version.BillingPeriod switch
    {
        BillingPeriod.Annual => version.PriceCny / 365m,
        BillingPeriod.Monthly => version.PriceCny * 12m / 365m,
        _ => version.PriceCny / Math.Max(1, version.ValidityDays),
    };

    /// <summary>
    /// Whether the customer holds <paramref name="packageId"/> on a base subscription that is not over — now, or from a
    /// pending downgrade — apart from <paramref name="exceptSubscriptionId"/>.
    /// </summary>
    public static Task<bool> HoldsPackageAsync(TokenConsoleDbContext db, int customerId, int packageId, int? exceptSubscriptionId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        db.Subscriptions.Where(s => s.CustomerId == customerId && s.Id != exceptSubscriptionId
                && s.Status != SubscriptionStatus.Cancelled && s.Status != SubscriptionStatus.Expired)
            .AnyAsync(s => s.PackageId == packageId || s.Terms.Any(t => (t.To == null || t.To > now)
                && db.PackageVersions.Any(v => v.Id == t.PackageVersionId && v.PackageId == packageId)), cancellationToken);

    private static async Task<TokenPackage?> OnSaleAsync(TokenConsoleDbContext db, int packageId, PackageKind kind, CancellationToken cancellationToken)
    {
        var package = await db.Packages.AsNoTracking().Include(p => p.ActiveVersion).FirstOrDefaultAsync(p => p.Id == packageId, cancellationToken);
        return package is { Status: PackageStatus.Active, ActiveVersion.Status: PackageStatus.Active } && package.Kind == kind ? package : null;
    }

    private static async Task<(Subscription? Subscription, Refusal? Refusal)> LoadAsync(WriteContext w, int subscriptionId, uint? version, CancellationToken cancellationToken)
    {
        var s = await w.Db.Subscriptions.Include(x => x.Terms).Include(x => x.Customer).FirstOrDefaultAsync(x => x.Id == subscriptionId, cancellationToken);
        if (s is null)
        {
            return (null, Gone);
        }
        if (version is { } seen)
        {
            if (s.Version != seen)
            {
                return (null, Refusal.Stale);
            }
            // The UPDATE checks it too: a change saved between this read and the commit is a conflict as well.
            w.Db.Entry(s).Property(x => x.Version).OriginalValue = seen;
        }
        return (s, null);
    }

    /// <summary>The subscription's version moves with every change to it or its terms, so a second change made on the same view is a conflict.</summary>
    private static void Touch(TokenConsoleDbContext db, Subscription s) => db.Entry(s).Property(x => x.Version).IsModified = true;

    /// <summary>Removes the terms that start after <paramref name="after"/> (a pending downgrade).</summary>
    private static void RemovePending(TokenConsoleDbContext db, Subscription s, DateTimeOffset after)
    {
        foreach (var term in s.Terms.Where(t => t.From > after).ToList())
        {
            s.Terms.Remove(term);
            db.SubscriptionTerms.Remove(term);
        }
    }

    private static async Task<SubscriptionSnapshot> SnapshotAsync(TokenConsoleDbContext db, Subscription s, CancellationToken cancellationToken)
    {
        var code = await db.Packages.Where(p => p.Id == s.PackageId).Select(p => p.Code).FirstAsync(cancellationToken);
        return SubscriptionSnapshot.Of(s, s.Customer!.Code, code);
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}
