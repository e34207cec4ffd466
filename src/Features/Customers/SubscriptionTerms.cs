using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Customers;

/// <summary>
/// Which term of a subscription applies when. Usage at an instant is priced by the term in force at that instant;
/// a Beijing day's fee is charged on the term in force at the day's last instant, so that on the day of an upgrade
/// the new package is charged and the old one is not (its unused days are credited by not being charged).
/// </summary>
public static class SubscriptionTerms
{
    /// <summary>The term in force at <paramref name="instant"/>, or null (not started, or ended).</summary>
    public static SubscriptionTerm? At(IReadOnlyList<SubscriptionTerm> terms, DateTimeOffset instant)
    {
        foreach (var term in terms)
        {
            if (term.From <= instant && (term.To is not { } to || instant < to))
            {
                return term;
            }
        }
        return null;
    }

    /// <summary>The term charged for the Beijing day starting at <paramref name="dayStartUtc"/>.</summary>
    public static SubscriptionTerm? ChargedOn(IReadOnlyList<SubscriptionTerm> terms, DateTime dayStartUtc) =>
        At(terms, new DateTimeOffset(dayStartUtc.AddDays(1).AddTicks(-1), TimeSpan.Zero));

    /// <summary>The billing period of <paramref name="term"/> containing <paramref name="instant"/>, cut to the term.</summary>
    public static BillingPeriodSpan? PeriodOf(SubscriptionTerm term, PackageVersion version, DateTimeOffset instant) =>
        BillingCycle.PeriodContaining(version.BillingPeriod, version.ValidityDays, term.Anchor, instant.UtcDateTime);

    /// <summary>A period's fee in fen (prices are tax-inclusive).</summary>
    public static long PeriodFeeFen(PackageVersion version) => FeeSpread.ToFen(version.PriceCny);
}

/// <summary>The allowance of a billing period, in billable tokens.</summary>
public static class AllowanceRules
{
    /// <summary>
    /// What a period carries from the one before: the previous allowance's unused part, capped at the package's
    /// rollover percentage of its allowance; nothing when the package has no rollover. A rollover bucket is never
    /// carried again (it lives one period).
    /// </summary>
    public static decimal Rollover(PackageVersion version, decimal previousIncluded, decimal previousUsed)
    {
        if (version.RolloverPercent <= 0)
        {
            return 0;
        }
        var unused = Math.Max(0, previousIncluded - previousUsed);
        return Math.Min(unused, version.IncludedTokens * (decimal)version.RolloverPercent / 100m);
    }

    /// <summary>The share of the period's allowance (allowance + rollover) used, in percent, for the 80 % and 100 % notifications.</summary>
    public static decimal UsedPercent(decimal included, decimal used) => included <= 0 ? 0 : used * 100m / included;
}
