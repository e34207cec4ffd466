using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;

namespace TokenConsole.Tests.Customers;

/// <summary>
/// The customers module over a real migrated SQLite file (its FTS5 search table and triggers included), the real policies
/// and a fake clock. Two account managers are local accounts (am-1 Liu Yang, am-2 Zhao Min); two regions, two industries;
/// package BIZ-100 (1,000,000 billable tokens a month). <see cref="SeedCustomers"/> adds four customers, three of them
/// subscribed with this period's allowance 85 %, 100 % and 10 % used.
/// </summary>
public sealed class CustomersTestBed : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);
    private readonly ServiceProvider _services;

    public CustomersTestBed()
    {
        Clock = new FakeTimeProvider(Now);
        Services = new ServiceCollection();
        Services.AddModules(Database, Clock, b => b.AddCustomers());
        _services = Services.BuildServiceProvider();
        Seed();
    }

    public ServiceCollection Services { get; }
    public TestDatabase Database { get; } = new();
    public FakeTimeProvider Clock { get; }
    public CustomerService Customers => _services.GetRequiredService<CustomerService>();
    public CustomerQueries Queries => _services.GetRequiredService<CustomerQueries>();
    public ReferenceDataSignal Signal => _services.GetRequiredService<ReferenceDataSignal>();
    public int PackageId { get; private set; }
    public int VersionId { get; private set; }

    public static ClaimsPrincipal User(string id, string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    public static readonly ClaimsPrincipal Am = User("am-1", "am", Roles.AccountManager);
    public static readonly ClaimsPrincipal Am2 = User("am-2", "am2", Roles.AccountManager);
    public static readonly ClaimsPrincipal Ops = User("ops-1", "ops", Roles.Operations);

    private void Seed()
    {
        using var db = Database.CreateDbContext();
        db.Regions.AddRange(
            new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东", MacroRegion = MacroRegion.SouthCentral },
            new Region { Code = "CN-BJ", NameEn = "Beijing", NameZh = "北京", MacroRegion = MacroRegion.North });
        db.Industries.AddRange(new Industry { Code = "finance", NameEn = "Finance", NameZh = "金融" }, new Industry { Code = "government", NameEn = "Government", NameZh = "政务" });
        db.Roles.AddRange(new IdentityRole(Roles.AccountManager) { Id = "role-am", NormalizedName = "ACCOUNTMANAGER" }, new IdentityRole(Roles.Operations) { Id = "role-ops", NormalizedName = "OPERATIONS" });
        db.Users.AddRange(
            new ConsoleUser { Id = "am-1", UserName = "am", NormalizedUserName = "AM", DisplayName = "Liu Yang", SecurityStamp = "s" },
            new ConsoleUser { Id = "am-2", UserName = "am2", NormalizedUserName = "AM2", DisplayName = "Zhao Min", SecurityStamp = "s" },
            new ConsoleUser { Id = "ops-1", UserName = "ops", NormalizedUserName = "OPS", DisplayName = "Zhang Qiang", SecurityStamp = "s" });
        db.UserRoles.AddRange(
            new IdentityUserRole<string> { UserId = "am-1", RoleId = "role-am" }, new IdentityUserRole<string> { UserId = "am-2", RoleId = "role-am" },
            new IdentityUserRole<string> { UserId = "ops-1", RoleId = "role-ops" });
        var package = new TokenPackage
        {
            Code = "BIZ-100", Segment = CustomerSegment.LargeEnterprise, Status = PackageStatus.Active, CreatedBy = "pm", CreatedAt = Now.AddDays(-90),
            Versions = [new PackageVersion { Number = 1, Status = PackageStatus.Active, NameEn = "Business 100", NameZh = "企业 100", BillingPeriod = BillingPeriod.Monthly, PriceCny = 1000m, IncludedTokens = 1_000_000, CreatedBy = "pm", CreatedAt = Now.AddDays(-90) }],
        };
        db.Packages.Add(package);
        db.SaveChanges();
        package.ActiveVersionId = package.Versions[0].Id;
        db.SaveChanges();
        PackageId = package.Id;
        VersionId = package.Versions[0].Id;
    }

    /// <summary>
    /// C-BANK 深圳前海微众银行 (finance, Guangdong, am-1, 85 % used), GOV-BJ 北京市大数据中心 (government, Beijing, am-2, 100 %),
    /// C-DATA 广州数据科技有限公司 (finance, Guangdong, am-1, 10 %), OLD-1 Old Trading Co (closed, no subscription).
    /// </summary>
    public void SeedCustomers()
    {
        using var db = Database.CreateDbContext();
        var bank = Add(db, "C-BANK", "Shenzhen WeBank", "深圳前海微众银行", CustomerSegment.LargeEnterprise, "finance", "CN-GD", "am-1");
        var gov = Add(db, "GOV-BJ", "Beijing Big Data Centre", "北京市大数据中心", CustomerSegment.Government, "government", "CN-BJ", "am-2");
        var data = Add(db, "C-DATA", "Guangzhou Data Technology", "广州数据科技有限公司", CustomerSegment.Sme, "finance", "CN-GD", "am-1");
        var old = Add(db, "OLD-1", "Old Trading Co", "旧贸易公司", CustomerSegment.Sme, "finance", "CN-BJ", null);
        old.Status = CustomerStatus.Closed;
        db.SaveChanges();
        Subscribe(db, bank, 850_000);
        Subscribe(db, gov, 1_000_000);
        Subscribe(db, data, 100_000);
        db.SaveChanges();
    }

    private static Customer Add(TokenConsoleDbContext db, string code, string name, string nameZh, CustomerSegment segment, string industry, string region, string? manager)
    {
        var customer = new Customer { Code = code, Name = name, NameZh = nameZh, Segment = segment, IndustryCode = industry, RegionCode = region, AccountManagerId = manager, CreatedAt = Now.AddDays(-60) };
        db.Customers.Add(customer);
        return customer;
    }

    /// <summary>A subscription from 1 Nov (Beijing) with this period's allowance bucket <paramref name="used"/> of 1,000,000.</summary>
    public Subscription Subscribe(TokenConsoleDbContext db, Customer customer, decimal used)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(customer);
        var anchor = BusinessCalendar.ToUtc(new DateTime(2026, 11, 1));
        var subscription = new Subscription
        {
            CustomerId = customer.Id, PackageId = PackageId, PackageVersionId = VersionId, StartsAt = new DateTimeOffset(anchor, TimeSpan.Zero), Status = SubscriptionStatus.Active,
            Terms = [new SubscriptionTerm { PackageVersionId = VersionId, From = new DateTimeOffset(anchor, TimeSpan.Zero), Anchor = anchor }],
        };
        db.Subscriptions.Add(subscription);
        db.SaveChanges();
        var end = BusinessCalendar.ToUtc(new DateTime(2026, 12, 1));
        db.AllowanceBuckets.Add(new AllowanceBucket
        {
            SubscriptionId = subscription.Id, CustomerId = customer.Id, Kind = BucketKind.Allowance, PeriodStart = new DateTimeOffset(anchor, TimeSpan.Zero),
            ValidFrom = new DateTimeOffset(anchor, TimeSpan.Zero), ValidTo = new DateTimeOffset(end, TimeSpan.Zero), Included = 1_000_000, Used = used,
        });
        return subscription;
    }

    public async Task<T> ReadAsync<T>(Func<TokenConsoleDbContext, Task<T>> read)
    {
        await using var db = Database.CreateDbContext();
        return await read(db);
    }

    public void Dispose()
    {
        _services.Dispose();
        Database.Dispose();
    }
}
