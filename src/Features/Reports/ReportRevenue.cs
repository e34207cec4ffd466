using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Customers;

namespace TokenConsole.Features.Reports;

/// <summary>Recognized revenue of a period by kind; revenue = fees + usage charges + top-ups − credits.</summary>
public sealed record RevenueSplit(decimal Fees, decimal Usage, decimal TopUps, decimal Credits)
{
    public decimal Total => Fees + Usage + TopUps - Credits;
}

/// <summary>
/// Breakage: the share of the allowance paid for and not used. Over the billing periods (cut to their term) that END
/// inside the report's range, Included = the Allowance and Rollover buckets' included billable tokens and Used = what
/// was drawn from them (at most their included); a period that ended with no bucket had no usage at all, so its whole
/// allowance (the version's included tokens) counts as unused. Breakage = (Included − Used) ÷ Included. Top-ups are
/// left out: a pack is bought to be used, and its unused part expires on its own date, not the period's.
/// </summary>
public sealed record Breakage(decimal IncludedTokens, decimal UsedTokens)
{
    public decimal UnusedTokens => IncludedTokens - UsedTokens;

    /// <summary>The unused share, or null when no period ended in the range.</summary>
    public decimal? Share => IncludedTokens > 0 ? UnusedTokens / IncludedTokens : null;
}

/// <summary>The report's subscription-side figures: customers with an active subscription (ARPU's divisor) and breakage.</summary>
public static class ReportSubscriptions
{
    /// <summary>
    /// Customers holding a subscription whose term was in force at some time in the period: a suspended one counts (its
    /// fee runs on), one that ended before the period or starts after it does not.
    /// </summary>
    public static async Task<int> SubscribedCustomersAsync(TokenConsoleDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var (start, end) = (new DateTimeOffset(period.StartUtc, TimeSpan.Zero), new DateTimeOffset(period.EndUtc, TimeSpan.Zero));
        return await (from t in db.SubscriptionTerms
                      where t.From < end && (t.To == null || t.To > start)
                      join s in db.Subscriptions on t.SubscriptionId equals s.Id
                      select s.CustomerId).Distinct().CountAsync(cancellationToken);
    }

    public static async Task<Breakage> BreakageAsync(TokenConsoleDbContext db, ReportPeriod period, CancellationToken cancellationToken)
    {
        var (start, end) = (period.StartUtc, period.EndUtc);
        var (startAt, endAt) = (new DateTimeOffset(start, TimeSpan.Zero), new DateTimeOffset(end, TimeSpan.Zero));
        // A bucket ends with its period cut to its term (ValidTo = min(period end, term end)).
        var buckets = await db.AllowanceBuckets.AsNoTracking()
            .Where(b => (b.Kind == BucketKind.Allowance || b.Kind == BucketKind.Rollover) && b.ValidTo > startAt && b.ValidTo <= endAt)
            .Select(b => new { b.SubscriptionId, b.PeriodStart, b.Included, b.Used })
            .ToListAsync(cancellationToken);
        var included = buckets.Sum(b => b.Included);
        var used = buckets.Sum(b => Math.Min(b.Used, b.Included));
        var opened = buckets.Select(b => (b.SubscriptionId, b.PeriodStart.UtcDateTime)).ToHashSet();

        // The periods that ended in the range without a bucket: nothing used, the whole allowance unused.
        var terms = await db.SubscriptionTerms.AsNoTracking()
            .Where(t => t.From < endAt && (t.To == null || t.To > startAt))
            .ToListAsync(cancellationToken);
        var versionIds = terms.Select(t => t.PackageVersionId).Distinct().ToList();
        var versions = await db.PackageVersions.AsNoTracking().Where(v => versionIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, cancellationToken);
        foreach (var term in terms)
        {
            if (!versions.TryGetValue(term.PackageVersionId, out var version) || version.IncludedTokens <= 0)
            {
                continue;
            }
            var termEnd = term.To?.UtcDateTime ?? DateTime.MaxValue;
            var first = start > term.Anchor ? start : term.Anchor;
            for (var p = BillingCycle.PeriodContaining(version.BillingPeriod, version.ValidityDays, term.Anchor, first);
                 p is { } span && span.Start < end && span.Start < termEnd;
                 p = BillingCycle.Next(version.BillingPeriod, version.ValidityDays, term.Anchor, span))
            {
                var cutEnd = span.End < termEnd ? span.End : termEnd;
                if (cutEnd > start && cutEnd <= end && cutEnd > term.From.UtcDateTime && !opened.Contains((term.SubscriptionId, span.Start)))
                {
                    included += version.IncludedTokens;
                }
            }
        }
        return new Breakage(included, used);
    }
}
