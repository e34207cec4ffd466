using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;

namespace TokenConsole.E2E;

/// <summary>A package as the journey chooses and recognises it on the pages: by its names, never by its code.</summary>
public sealed record JourneyPackage(int Id, string Code, string NameEn, string NameZh, long IncludedTokens, int ValidityDays);

/// <summary>
/// The customer the account manager's journey serves, picked from the demo data by what the journey needs rather than
/// by its figures (another session changes those): an active customer with a running base subscription that can be
/// upgraded to a dearer package of its segment it does not hold, a top-up pack on sale, last month's bill with more
/// than the credit note left to credit, and a fragment of its Chinese name that finds few customers.
/// </summary>
public sealed record JourneySubject(
    string Code, string Name, string NameZh, string ChineseFragment, int FragmentMatches, string RegionCode, string IndustryCode,
    int SubscriptionId, JourneyPackage Current, JourneyPackage Upgrade, JourneyPackage TopUp, string ModelCode, decimal Multiplier,
    long BillId, string BillNo, decimal Creditable)
{
    /// <summary>A fragment finds the customer on the first page of the list when at most this many customers share it.</summary>
    private const int MaxFragmentMatches = 10;

    /// <summary>Customers other browser tests on the same server name (the usage import sends C00002's IND-CITY usage): the journey upgrades its subject.</summary>
    private static readonly string[] OtherTestsCustomers = ["C00002"];

    public static async Task<JourneySubject> FindAsync(IServiceProvider services, BillMonth month, decimal creditNote, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var onSale = await db.Packages.AsNoTracking().Include(p => p.ActiveVersion!).ThenInclude(v => v.Entitlements)
            .Where(p => p.Status == PackageStatus.Active && p.ActiveVersion != null && p.ActiveVersion.Status == PackageStatus.Active)
            .ToListAsync(ct);
        var bills = await db.Bills.AsNoTracking().Where(b => b.Period == month.Period).Select(b => new { b.Id, b.BillNo, b.CustomerId, b.TotalFen }).ToListAsync(ct);
        var creditNotes = services.GetRequiredService<CreditNoteService>();
        var customers = await db.Customers.AsNoTracking().Include(c => c.Subscriptions).ThenInclude(s => s.Terms)
            .Where(c => c.Status == CustomerStatus.Active && c.NameZh.Length >= 4 && !OtherTestsCustomers.Contains(c.Code)).OrderBy(c => c.Id).ToListAsync(ct);
        var topUps = onSale.Where(p => p.Kind == PackageKind.TopUp).ToList();
        foreach (var customer in customers)
        {
            var bill = bills.FirstOrDefault(b => b.CustomerId == customer.Id);
            var topUp = topUps.FirstOrDefault(p => p.Segment == customer.Segment) ?? topUps.FirstOrDefault();
            if (bill is null || topUp is null || bill.TotalFen < creditNote * 150m)
            {
                continue;
            }
            var held = customer.Subscriptions.Select(s => s.PackageId).ToHashSet();
            foreach (var subscription in customer.Subscriptions.Where(s => s.Status == SubscriptionStatus.Active && s.EndsAt is null && s.StartsAt < now
                         && s.Terms.All(t => t.From <= now)))
            {
                var current = onSale.FirstOrDefault(p => p.Id == subscription.PackageId && p.Kind == PackageKind.Base);
                if (current is null)
                {
                    continue;
                }
                var currentFee = SubscriptionOperations.FeePerDay(current.ActiveVersion!);
                // The cheapest dearer package: an upgrade the operation accepts, with an entitled model to send usage for.
                var upgrade = onSale.Where(p => p.Kind == PackageKind.Base && p.Segment == customer.Segment && !held.Contains(p.Id)
                        && SubscriptionOperations.FeePerDay(p.ActiveVersion!) > currentFee && p.ActiveVersion!.Entitlements.Count > 0)
                    .OrderBy(p => SubscriptionOperations.FeePerDay(p.ActiveVersion!)).FirstOrDefault();
                if (upgrade is null || await FragmentAsync(db, customer.NameZh, ct) is not var (fragment, matches))
                {
                    continue;
                }
                var creditable = await creditNotes.CreditableAsync(bill.Id, ct);
                if (creditable < creditNote)
                {
                    continue;
                }
                var entitlement = upgrade.ActiveVersion!.Entitlements.OrderBy(e => e.Multiplier).ThenBy(e => e.ModelId).First();
                var model = await db.Models.AsNoTracking().Where(m => m.Id == entitlement.ModelId).Select(m => m.Code).FirstAsync(ct);
                return new JourneySubject(customer.Code, customer.Name, customer.NameZh, fragment, matches, customer.RegionCode, customer.IndustryCode,
                    subscription.Id, Of(current), Of(upgrade), Of(topUp), model, entitlement.Multiplier, bill.Id, bill.BillNo, creditable);
            }
        }
        throw new InvalidOperationException(
            $"The demo data holds no customer the journey can serve: an active base subscription with a dearer package of its segment to upgrade to, a top-up pack on sale and a bill for {month} of at least ¥{creditNote * 1.5m:N2}.");
    }

    private static JourneyPackage Of(TokenPackage p) =>
        new(p.Id, p.Code, p.ActiveVersion!.NameEn, p.ActiveVersion.NameZh, p.ActiveVersion.IncludedTokens, p.ActiveVersion.ValidityDays);

    /// <summary>The shortest part of the Chinese name, from its middle (never its first character), that few customers share.</summary>
    private static async Task<(string Fragment, int Matches)?> FragmentAsync(TokenConsoleDbContext db, string nameZh, CancellationToken ct)
    {
        for (var length = 3; length < nameZh.Length; length++)
        {
            for (var start = 1; start + length <= nameZh.Length; start++)
            {
                var fragment = nameZh.Substring(start, length);
                var matches = await db.Customers.CountAsync(c => c.NameZh.Contains(fragment), ct);
                if (matches <= MaxFragmentMatches)
                {
                    return (fragment, matches);
                }
            }
        }
        return null;
    }
}
