using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Billing;

/// <summary>A row of the bills list.</summary>
public sealed record BillListRow(long Id, string BillNo, int Period, string CustomerCode, string CustomerName, string CustomerNameZh,
    long NetFen, long TaxFen, long TotalFen, DateTimeOffset IssuedAt);

/// <summary>The bills list's filters: a month (yyyyMM), a fragment of the customer's code or names, a customer.</summary>
public sealed record BillFilter(int? Period = null, string? Search = null, int? CustomerId = null);

/// <summary>A bill with everything its page, print view, CSV and API show: the customer and the names of packages and models.</summary>
public sealed record BillView(Bill Bill, Customer Customer, IReadOnlyDictionary<int, (string En, string Zh, string Code)> Packages,
    IReadOnlyDictionary<int, (string Name, string Code)> Models)
{
    public string PackageName(int? id, bool chinese) =>
        id is { } p && Packages.TryGetValue(p, out var n) ? (chinese ? n.Zh : n.En) : "";

    public string ModelName(int? id) => id is { } m && Models.TryGetValue(m, out var n) ? n.Name : "";
}

/// <summary>Reads bills (they never change once issued): the paged list, one bill with its lines and names, a customer's bills.</summary>
public sealed class BillService(IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public async Task<(IReadOnlyList<BillListRow> Rows, int Total)> PageAsync(BillFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = from b in db.Bills.AsNoTracking()
                    join c in db.Customers on b.CustomerId equals c.Id
                    select new { b, c };
        if (filter.Period is { } period)
        {
            query = query.Where(x => x.b.Period == period);
        }
        if (filter.CustomerId is { } customerId)
        {
            query = query.Where(x => x.b.CustomerId == customerId);
        }
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var s = filter.Search.Trim();
            query = query.Where(x => x.c.Code.Contains(s) || x.c.Name.Contains(s) || x.c.NameZh.Contains(s));
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(x => x.b.Period).ThenBy(x => x.c.Code).Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(x => new BillListRow(x.b.Id, x.b.BillNo, x.b.Period, x.c.Code, x.c.Name, x.c.NameZh, x.b.NetFen, x.b.TaxFen, x.b.TotalFen, x.b.IssuedAt))
            .ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>The months that have bills, newest first (the list's month filter).</summary>
    public async Task<IReadOnlyList<int>> PeriodsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Bills.AsNoTracking().Select(b => b.Period).Distinct().OrderByDescending(p => p).ToListAsync(ct);
    }

    public async Task<BillView?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var bill = await db.Bills.AsNoTracking().Include(b => b.Lines).ThenInclude(l => l.RuleEffects).AsSplitQuery().FirstOrDefaultAsync(b => b.Id == id, ct);
        if (bill is null)
        {
            return null;
        }
        bill.Lines = [.. bill.Lines.OrderBy(l => l.Number)];
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == bill.CustomerId, ct);
        var packageIds = bill.Lines.Where(l => l.PackageId != null).Select(l => l.PackageId!.Value).Distinct().ToList();
        var modelIds = bill.Lines.Where(l => l.ModelId != null).Select(l => l.ModelId!.Value).Distinct().ToList();
        // A package's name is that of its newest version: the name customers know it by now.
        var versions = await db.PackageVersions.AsNoTracking().Where(v => packageIds.Contains(v.PackageId))
            .Select(v => new { v.PackageId, v.Number, v.NameEn, v.NameZh, v.Package!.Code }).ToListAsync(ct);
        var packages = versions.GroupBy(v => v.PackageId).ToDictionary(g => g.Key, g => g.MaxBy(v => v.Number)!).ToDictionary(p => p.Key, p => (p.Value.NameEn, p.Value.NameZh, p.Value.Code));
        var models = await db.Models.AsNoTracking().Where(m => modelIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => (m.Name, m.Code), ct);
        return new BillView(bill, customer, packages, models);
    }

    /// <summary>A customer's bills by customer code, newest first, or null when no customer has the code.</summary>
    public async Task<(IReadOnlyList<long> Ids, int Total)?> OfCustomerAsync(string code, int offset, int limit, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Customers.AsNoTracking().Where(c => c.Code == code).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return null;
        }
        var bills = db.Bills.AsNoTracking().Where(b => b.CustomerId == customer);
        var total = await bills.CountAsync(ct);
        var ids = await bills.OrderByDescending(b => b.Period).Skip(offset).Take(limit).Select(b => b.Id).ToListAsync(ct);
        return (ids, total);
    }
}
