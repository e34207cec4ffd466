using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Data.Cluster;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Customers;

/// <summary><c>Subscriptions</c> settings.</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>How often the clock looks for subscriptions whose end or pending change has come.</summary>
    public TimeSpan ClockInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Makes what the subscription operations scheduled happen when its time comes: a cancelled subscription becomes
/// Cancelled once its <see cref="Subscription.EndsAt"/> has passed, a one-off one Expired after its only period, and a
/// subscription whose pending downgrade has started is moved onto that package (its PackageId/PackageVersionId follow
/// the term in force). Each change is one write as the scheduler, audited, and re-checked inside it, so a round that runs
/// twice (or two instances) changes each subscription once; a missed round (the app was down) is caught up by the next.
/// </summary>
public sealed class SubscriptionClock(IDbContextFactory<TokenConsoleDbContext> dbFactory, AuditedWriter writer, IReferenceDataEvents events, TimeProvider clock,
    IOptions<SubscriptionOptions> options, ILogger<SubscriptionClock> logger, JobLease? lease = null) : BackgroundService
{
    // Built without a host (tests), a job is one instance's and holds the lease.
    private readonly JobLease _lease = lease ?? JobLease.HeldAlone();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            await _lease.WhenHeldAsync(stoppingToken);
            try
            {
                await RunOnceAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures++;
                logger.LogError(ex, "The subscription clock failed; retrying after a back-off");
            }
            var interval = options.Value.ClockInterval;
            var delay = failures == 0 ? interval : TimeSpan.FromTicks(Math.Min(interval.Ticks, Backoff.After(failures).Ticks));
            if (!await Backoff.WaitAsync(delay, clock, stoppingToken))
            {
                return;
            }
        }
    }

    /// <summary>One round; returns how many subscriptions it changed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<int> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var live = db.Subscriptions.Where(s => s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.Suspended);
            var ended = live.Where(s => s.EndsAt != null && s.EndsAt <= now).Select(s => s.Id);
            var oneOff = live.Where(s => s.EndsAt == null && db.PackageVersions.Any(v => v.Id == s.PackageVersionId && v.BillingPeriod == BillingPeriod.OneOff))
                .Select(s => s.Id);
            var changed = live.Where(s => s.Terms.Any(t => t.From <= now && (t.To == null || t.To > now) && t.PackageVersionId != s.PackageVersionId)).Select(s => s.Id);
            due = await ended.Union(oneOff).Union(changed).ToListAsync(cancellationToken);
        }
        var count = 0;
        foreach (var id in due)
        {
            var result = await writer.WriteAsSystemAsync(Actor.Scheduler, w => AdvanceAsync(w, id, cancellationToken), cancellationToken);
            // A conflict (a person changed it meanwhile) is left for the next round, which sees the new state.
            count += result.Succeeded && result.Value ? 1 : 0;
        }
        if (count > 0)
        {
            await events.PublishAsync(ReferenceDataKind.Subscription);
        }
        return count;
    }

    private static async Task<WriteResult<bool>> AdvanceAsync(WriteContext w, int id, CancellationToken cancellationToken)
    {
        var db = w.Db;
        var s = await db.Subscriptions.Include(x => x.Terms).Include(x => x.Customer).FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (s is null || s.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Suspended))
        {
            return false;
        }
        var code = await db.Packages.Where(p => p.Id == s.PackageId).Select(p => p.Code).FirstAsync(cancellationToken);
        var before = SubscriptionSnapshot.Of(s, s.Customer!.Code, code);
        var key = s.Id.ToString(CultureInfo.InvariantCulture);
        if (s.EndsAt is { } endsAt && endsAt <= w.Now)
        {
            s.Status = SubscriptionStatus.Cancelled;
            w.Audit(AuditActions.SubscriptionCancelled, "Subscription", key, before, before.After(s));
            return true;
        }
        var current = await db.PackageVersions.AsNoTracking().FirstAsync(v => v.Id == s.PackageVersionId, cancellationToken);
        var inForce = SubscriptionTerms.At(s.Terms, w.Now);
        if (inForce is not null && inForce.PackageVersionId != s.PackageVersionId)
        {
            var version = await db.PackageVersions.AsNoTracking().Include(v => v.Package).FirstAsync(v => v.Id == inForce.PackageVersionId, cancellationToken);
            s.PackageId = version.PackageId;
            s.PackageVersionId = version.Id;
            w.Audit(AuditActions.SubscriptionDowngraded, "Subscription", key, before, SubscriptionSnapshot.Of(s, s.Customer.Code, version.Package!.Code));
            return true;
        }
        var last = s.Terms.OrderBy(t => t.From).LastOrDefault();
        if (current.BillingPeriod == BillingPeriod.OneOff && last is not null && w.Now >= last.From
            && BillingCycle.PeriodContaining(BillingPeriod.OneOff, current.ValidityDays, last.Anchor, w.Now.UtcDateTime) is null)
        {
            s.Status = SubscriptionStatus.Expired;
            w.Audit(AuditActions.SubscriptionExpired, "Subscription", key, before, before.After(s));
            return true;
        }
        return false;
    }
}
