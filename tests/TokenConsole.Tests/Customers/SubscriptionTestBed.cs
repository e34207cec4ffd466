using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;

namespace TokenConsole.Tests.Customers;

/// <summary>
/// The customers module over a real migrated SQLite file, the real policies and a fake clock at 10:00 Beijing time on
/// 20 November 2026. Large-enterprise base packages on sale: ENT-S (¥3,000 a month), ENT-M (¥6,000 a month), ENT-Y
/// (¥96,000 a year, ¥263/day: more per day than ENT-M's ¥197) and ENT-TRIAL (one-off, 7 days, ¥70); ENT-DRAFT is
/// a draft, GOV-X is for government customers, TOP-10M a top-up pack (10M tokens for 30 days, ¥500). Customers ACME and
/// BETA are large enterprises, CLOSED is closed. Model m-one on pool-a is entitled by every package.
/// </summary>
public sealed class SubscriptionTestBed : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);
    /// <summary>Midnight Beijing time of <see cref="Now"/>'s day, as UTC.</summary>
    public static readonly DateTime Today = new(2026, 11, 19, 16, 0, 0, DateTimeKind.Utc);

    private readonly ServiceProvider _services;

    public SubscriptionTestBed()
    {
        Clock = new FakeTimeProvider(Now);
        var services = new ServiceCollection();
        services.AddModules(Database, Clock, b => b.AddCustomers());
        _services = services.BuildServiceProvider();
        Seed();
    }

    public TestDatabase Database { get; } = new();
    public IServiceProvider Services => _services;
    public FakeTimeProvider Clock { get; }
    public SubscriptionService Service => _services.GetRequiredService<SubscriptionService>();

    /// <summary>The subscription as the customer page shows it (its current period, a pending downgrade).</summary>
    public async Task<SubscriptionView?> ViewAsync(int subscriptionId, CancellationToken cancellationToken)
    {
        string code;
        using (var db = Database.CreateDbContext())
        {
            code = db.Subscriptions.Where(s => s.Id == subscriptionId).Select(s => s.Customer!.Code).Single();
        }
        var details = await _services.GetRequiredService<CustomerQueries>().DetailsAsync(code, cancellationToken);
        return details?.Subscriptions.FirstOrDefault(s => s.Id == subscriptionId);
    }
    public SubscriptionClock SubscriptionClock => _services.GetRequiredService<SubscriptionClock>();
    public ReferenceDataSignal Signal => _services.GetRequiredService<ReferenceDataSignal>();
    public Dictionary<string, int> Packages { get; } = [];
    public Dictionary<string, int> Customers { get; } = [];

    public static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    public static readonly ClaimsPrincipal Am = User("liu", Roles.AccountManager);
    public static readonly ClaimsPrincipal OtherAm = User("zhao", Roles.AccountManager);
    public static readonly ClaimsPrincipal Ops = User("zhang", Roles.Operations);
    public static readonly ClaimsPrincipal Pm = User("lin", Roles.ProductManager);

    private void Seed()
    {
        using var db = Database.CreateDbContext();
        db.Regions.Add(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东", MacroRegion = MacroRegion.SouthCentral });
        db.Industries.Add(new Industry { Code = "finance", NameEn = "Finance", NameZh = "金融" });
        db.Models.Add(new AiModel { Id = 1, Code = "m-one", Name = "M One", Vendor = "v", Family = "f", ContextWindow = 32_000, Status = ModelStatus.OnSale, InputCostPerMTok = 1m, OutputCostPerMTok = 2m });
        db.Pools.Add(new ComputePool
        {
            Id = 1, Code = "pool-a", Name = "A", NameZh = "A", RegionCode = "CN-GD", Tier = PoolTier.Regional, AcceleratorKind = "H20", AcceleratorCount = 8,
            CapacityTokensPerSecond = 1000, CostPerHour = 100m, Status = PoolStatus.Online,
        });
        var packages = new[]
        {
            Package("ENT-S", CustomerSegment.LargeEnterprise, PackageKind.Base, PackageStatus.Active, BillingPeriod.Monthly, 30, 3_000m, 100_000_000),
            Package("ENT-M", CustomerSegment.LargeEnterprise, PackageKind.Base, PackageStatus.Active, BillingPeriod.Monthly, 30, 6_000m, 250_000_000),
            Package("ENT-Y", CustomerSegment.LargeEnterprise, PackageKind.Base, PackageStatus.Active, BillingPeriod.Annual, 365, 96_000m, 300_000_000),
            Package("ENT-TRIAL", CustomerSegment.LargeEnterprise, PackageKind.Base, PackageStatus.Active, BillingPeriod.OneOff, 7, 70m, 1_000_000),
            Package("ENT-DRAFT", CustomerSegment.LargeEnterprise, PackageKind.Base, PackageStatus.Draft, BillingPeriod.Monthly, 30, 9_000m, 500_000_000),
            Package("GOV-X", CustomerSegment.Government, PackageKind.Base, PackageStatus.Active, BillingPeriod.Monthly, 30, 9_000m, 500_000_000),
            Package("TOP-10M", CustomerSegment.LargeEnterprise, PackageKind.TopUp, PackageStatus.Active, BillingPeriod.OneOff, 30, 500m, 10_000_000),
        };
        db.Packages.AddRange(packages);
        db.SaveChanges();
        foreach (var package in packages)
        {
            if (package.Status == PackageStatus.Active)
            {
                package.ActiveVersionId = package.Versions[0].Id;
            }
            Packages[package.Code] = package.Id;
        }
        var customers = new[] { Customer("ACME", CustomerStatus.Active), Customer("BETA", CustomerStatus.Active), Customer("CLOSED", CustomerStatus.Closed) };
        db.Customers.AddRange(customers);
        db.SaveChanges();
        foreach (var customer in customers)
        {
            Customers[customer.Code] = customer.Id;
        }
        Database.IdsSeeded();
    }

    private static TokenPackage Package(string code, CustomerSegment segment, PackageKind kind, PackageStatus status, BillingPeriod period, int validityDays,
        decimal price, long included) => new()
    {
        Code = code, Segment = segment, Kind = kind, Status = status, CreatedBy = "pm", CreatedAt = Now.AddDays(-90),
        Versions =
        [
            new PackageVersion
            {
                Number = 1, Status = status, NameEn = code, NameZh = code, BillingPeriod = period, ValidityDays = validityDays, PriceCny = price,
                IncludedTokens = included, OveragePricePerMTok = 20m, Entitlements = [new ModelEntitlement { ModelId = 1, Multiplier = 1m }], CreatedBy = "pm",
                CreatedAt = Now.AddDays(-90),
            },
        ],
    };

    private static Customer Customer(string code, CustomerStatus status) => new()
    {
        Code = code, Name = code, NameZh = code, Segment = CustomerSegment.LargeEnterprise, IndustryCode = "finance", RegionCode = "CN-GD", Status = status,
        CreatedAt = Now.AddDays(-100),
    };

    public async Task<T> ReadAsync<T>(Func<TokenConsoleDbContext, Task<T>> read)
    {
        await using var db = Database.CreateDbContext();
        return await read(db);
    }

    public Task<Subscription> SubscriptionAsync(int id) =>
        ReadAsync(db => db.Subscriptions.AsNoTracking().Include(s => s.Terms.OrderBy(t => t.From)).SingleAsync(s => s.Id == id, TestContext.Current.CancellationToken));

    public Task<List<Features.Admin.AuditEntry>> AuditAsync(string action) =>
        ReadAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == action).OrderBy(a => a.Id).ToListAsync(TestContext.Current.CancellationToken));

    /// <summary>ACME subscribed to <paramref name="package"/> now; returns the subscription as stored.</summary>
    public async Task<Subscription> SubscribedAsync(string package = "ENT-S", string customer = "ACME")
    {
        var result = await Service.SubscribeAsync(Am, Customers[customer], Packages[package], null, TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, result.Refusal?.Code);
        return await SubscriptionAsync(result.Value);
    }

    public void Dispose()
    {
        _services.Dispose();
        Database.Dispose();
    }
}
