using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Billing;

/// <summary>
/// The billing module on a migrated SQLite file with a fake clock (5 December 2026, Beijing), and hand-built rows: customers,
/// a base and a top-up package, two models, fees recognized per day, top-ups sold, usage per day and model.
/// </summary>
public abstract class BillingTestBed : IDisposable
{
    protected static readonly BillMonth November = new(2026, 11);
    protected static readonly BillMonth December = new(2026, 12);
    protected static readonly ClaimsPrincipal Am = User("am-1", "Liu Yang", Roles.AccountManager);
    protected static readonly ClaimsPrincipal Exec = User("exec-1", "Chen Jing", Roles.Executive);
    protected static readonly ClaimsPrincipal OtherExec = User("exec-2", "Chen Jing", Roles.Executive);

    protected TestDatabase Database { get; } = new();
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 5, 2, 0, 0, TimeSpan.Zero));
    protected ServiceProvider Services { get; }
    protected BillRunService Runs => Services.GetRequiredService<BillRunService>();
    protected CreditNoteService CreditNotes => Services.GetRequiredService<CreditNoteService>();
    protected BillService Bills => Services.GetRequiredService<BillService>();

    protected int BasePackageId { get; private set; }
    protected int TopUpPackageId { get; private set; }
    protected int ModelA { get; private set; }
    protected int ModelB { get; private set; }

    protected BillingTestBed(int batchSize = 1000, decimal threshold = 1000m)
    {
        Services = new ServiceCollection().AddModules(Database, Clock, new Dictionary<string, string?>
        {
            ["Billing:BillRunBatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Billing:CreditNoteApprovalThreshold"] = threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The bed writes the recognized fees itself (AddFees), as the recognizer would.
            ["Billing:RecognizeFees"] = "false",
        }, b => b.AddBilling(), b => b.AddCustomers()).BuildServiceProvider();
        using var db = Database.CreateDbContext();
        db.Regions.Add(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东" });
        db.Industries.Add(new Industry { Code = "finance", NameEn = "Finance", NameZh = "金融" });
        var basePackage = Package("IND-FIN", PackageKind.Base, 300m);
        var topUp = Package("TOPUP-10M", PackageKind.TopUp, 50m);
        db.Packages.AddRange(basePackage, topUp);
        var a = new AiModel { Code = "deepseek-v3", Name = "DeepSeek V3", Vendor = "DeepSeek", Family = "DeepSeek" };
        var b = new AiModel { Code = "qwen-max", Name = "Qwen Max", Vendor = "Alibaba", Family = "Qwen" };
        db.Models.AddRange(a, b);
        db.SaveChanges();
        (BasePackageId, TopUpPackageId, ModelA, ModelB) = (basePackage.Id, topUp.Id, a.Id, b.Id);
    }

    private static TokenPackage Package(string code, PackageKind kind, decimal price) => new()
    {
        Code = code, Kind = kind, Status = PackageStatus.Active, CreatedBy = "pm",
        Versions = [new PackageVersion { Number = 1, Status = PackageStatus.Active, NameEn = code + " plan", NameZh = code + " 套餐", PriceCny = price, BillingPeriod = BillingPeriod.Monthly }],
    };

    /// <summary>Customers C00001…, each with a subscription to the base package.</summary>
    protected IReadOnlyList<Customer> AddCustomers(int count)
    {
        using var db = Database.CreateDbContext();
        var version = db.PackageVersions.First(v => v.PackageId == BasePackageId);
        var start = db.Customers.Count();
        var customers = Enumerable.Range(start + 1, count).Select(i => new Customer
        {
            Code = $"C{i:00000}", Name = $"Customer {i}", NameZh = $"客户{i}", IndustryCode = "finance", RegionCode = "CN-GD",
            Subscriptions = [new Subscription { PackageId = BasePackageId, PackageVersionId = version.Id, StartsAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) }],
        }).ToList();
        db.Customers.AddRange(customers);
        db.SaveChanges();
        return customers;
    }

    /// <summary>A Beijing day of <paramref name="month"/> as the rollups key it (its start in UTC).</summary>
    protected static DateTime Day(BillMonth month, int day) => month.StartUtc.AddDays(day - 1);

    protected void AddFees(Customer customer, BillMonth month, int days, long microsPerDay)
    {
        using var db = Database.CreateDbContext();
        db.RevenueDaily.AddRange(Enumerable.Range(1, days).Select(d => new RevenueDaily
        {
            Day = Day(month, d), CustomerId = customer.Id, PackageId = BasePackageId, RegionCode = "CN-GD", IndustryCode = "finance", FeeMicros = microsPerDay,
        }));
        db.SaveChanges();
    }

    protected void AddUsage(Customer customer, int modelId, DateTime day, long revenueMicros, decimal overageTokens, long baseRevenueMicros)
    {
        using var db = Database.CreateDbContext();
        var row = db.CustomerDailyUsage.FirstOrDefault(u => u.Day == day && u.CustomerId == customer.Id && u.ModelId == modelId);
        if (row is null)
        {
            row = new CustomerDailyUsage { Day = day, CustomerId = customer.Id, ModelId = modelId };
            db.CustomerDailyUsage.Add(row);
        }
        row.RevenueMicros += revenueMicros;
        row.OverageTokens += overageTokens;
        row.BaseRevenueMicros += baseRevenueMicros;
        row.Tokens += (long)overageTokens;
        db.SaveChanges();
    }

    protected void AddTopUp(Customer customer, DateTimeOffset soldAt, long priceFen)
    {
        using var db = Database.CreateDbContext();
        var subscription = db.Subscriptions.First(s => s.CustomerId == customer.Id);
        db.AllowanceBuckets.Add(new AllowanceBucket
        {
            SubscriptionId = subscription.Id, CustomerId = customer.Id, Kind = BucketKind.TopUp, PeriodStart = soldAt, ValidFrom = soldAt, ValidTo = soldAt.AddDays(30),
            Included = 10_000_000, TopUpPackageId = TopUpPackageId, PriceFen = priceFen,
        });
        db.SaveChanges();
    }

    protected async Task<List<Bill>> BillsOfAsync(BillMonth month)
    {
        await using var db = Database.CreateDbContext();
        return await db.Bills.AsNoTracking().Include(b => b.Lines).Where(b => b.Period == month.Period).OrderBy(b => b.CustomerId).ToListAsync(Ct);
    }

    /// <summary>A person with a stable id of their own (Entra's oid: judged on the token's roles, as in Entra mode).</summary>
    protected static ClaimsPrincipal User(string id, string name, params string[] roles) =>
        new(new ClaimsIdentity([new Claim(TokenConsole.Data.Writes.Actor.ObjectIdClaim, id), new Claim(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Services.Dispose();
        Database.Dispose();
        GC.SuppressFinalize(this);
    }
}
