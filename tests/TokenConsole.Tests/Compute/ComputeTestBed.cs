using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Usage;

namespace TokenConsole.Tests.Compute;

/// <summary>
/// A small known compute estate over a real migrated SQLite file, the real policies and a fake clock:
/// pools A (Guangdong, 1,000 tokens/s), B (Guangxi, 500) and C (Inner Mongolia, 300); model One (on sale) primary on A
/// (400) and B (300); model Two (on sale) primary on A (200) and failover on C (100); model Three in preview, unmapped.
/// A government customer in Guangdong subscribes to GOV-PACK, which entitles model Two. Rollups of the last 24 hours:
/// A served One 720,000 + 360,000 tokens and Two 360,000 (its peak hour: 1,080,000 tokens = 300 tokens/s); B served One
/// 1,080,000 in one hour (300 tokens/s). An older rollup outside the window must not count.
/// </summary>
public sealed class ComputeTestBed : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);
    public const int A = 1, B = 2, C = 3, One = 1, Two = 2, Three = 3;

    private readonly ServiceProvider _services;

    public ComputeTestBed()
    {
        Clock = new FakeTimeProvider(Now);
        Services = new ServiceCollection();
        Services.AddModules(Database, Clock, b => b.AddCompute());
        _services = Services.BuildServiceProvider();
        Seed(Database);
    }

    public ServiceCollection Services { get; }
    public TestDatabase Database { get; } = new();
    public FakeTimeProvider Clock { get; }
    public ComputeEditService Edit => _services.GetRequiredService<ComputeEditService>();
    public Microsoft.Extensions.Caching.Memory.IMemoryCache Cache => _services.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>();

    public static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    public static readonly ClaimsPrincipal Ops = User("ops", Roles.Operations);

    public static void Seed(TestDatabase database)
    {
        using var db = database.CreateDbContext();
        db.Regions.AddRange(
            new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东", MacroRegion = MacroRegion.SouthCentral },
            new Region { Code = "CN-GX", NameEn = "Guangxi", NameZh = "广西", MacroRegion = MacroRegion.SouthCentral },
            new Region { Code = "CN-NM", NameEn = "Inner Mongolia", NameZh = "内蒙古", MacroRegion = MacroRegion.North });
        db.Industries.AddRange(new Industry { Code = "government", NameEn = "Government", NameZh = "政务" });
        db.Models.AddRange(
            new AiModel { Id = One, Code = "m-one", Name = "M One", Vendor = "v", Family = "f", ContextWindow = 32_000, Status = ModelStatus.OnSale, InputCostPerMTok = 1m, OutputCostPerMTok = 2m },
            new AiModel { Id = Two, Code = "m-two", Name = "M Two", Vendor = "v", Family = "f", ContextWindow = 32_000, Status = ModelStatus.OnSale, InputCostPerMTok = 1m, OutputCostPerMTok = 2m },
            new AiModel { Id = Three, Code = "m-three", Name = "M Three", Vendor = "v", Family = "f", ContextWindow = 32_000, Status = ModelStatus.Preview, InputCostPerMTok = 1m, OutputCostPerMTok = 2m });
        db.Pools.AddRange(Pool(A, "pool-a", "CN-GD", 1_000), Pool(B, "pool-b", "CN-GX", 500), Pool(C, "pool-c", "CN-NM", 300));
        db.Deployments.AddRange(
            new Deployment { ModelId = One, PoolId = A, AllocatedTokensPerSecond = 400, RoutingWeight = 50, Role = DeploymentRole.Primary },
            new Deployment { ModelId = One, PoolId = B, AllocatedTokensPerSecond = 300, RoutingWeight = 50, Role = DeploymentRole.Primary },
            new Deployment { ModelId = Two, PoolId = A, AllocatedTokensPerSecond = 200, RoutingWeight = 50, Role = DeploymentRole.Primary },
            new Deployment { ModelId = Two, PoolId = C, AllocatedTokensPerSecond = 100, RoutingWeight = 50, Role = DeploymentRole.Failover });
        var package = new TokenPackage
        {
            Code = "GOV-PACK", Segment = CustomerSegment.Government, Status = PackageStatus.Active, CreatedBy = "pm", CreatedAt = Now.AddDays(-60),
            Versions =
            [
                new PackageVersion
                {
                    Number = 1, Status = PackageStatus.Active, NameEn = "Gov", NameZh = "政务", Tags = "government", PriceCny = 100m, IncludedTokens = 1_000_000,
                    Entitlements = [new ModelEntitlement { ModelId = Two, Multiplier = 1m }], CreatedBy = "pm", CreatedAt = Now.AddDays(-60),
                },
            ],
        };
        db.Packages.Add(package);
        db.SaveChanges();
        db.Customers.Add(new Customer
        {
            Code = "GOV-1", Name = "Guangdong Data Bureau", NameZh = "广东省数据局", Segment = CustomerSegment.Government, IndustryCode = "government", RegionCode = "CN-GD",
            Subscriptions = [new Subscription { PackageId = package.Id, PackageVersionId = package.Versions[0].Id, StartsAt = Now.AddDays(-30), Status = SubscriptionStatus.Active }],
        });
        var h1 = Now.UtcDateTime.AddHours(-3);
        var h2 = Now.UtcDateTime.AddHours(-2);
        db.UsageRollups.AddRange(
            Rollup(h1, One, A, 720_000), Rollup(h1, Two, A, 360_000), Rollup(h2, One, A, 360_000), Rollup(h1, One, B, 1_080_000),
            Rollup(Now.UtcDateTime.AddHours(-30), One, A, 10_000_000));
        db.SaveChanges();
        database.IdsSeeded();
    }

    private static ComputePool Pool(int id, string code, string region, long capacity) => new()
    {
        Id = id, Code = code, Name = code, NameZh = code, RegionCode = region, Tier = PoolTier.Regional, AcceleratorKind = "H20", AcceleratorCount = 8,
        CapacityTokensPerSecond = capacity, CostPerHour = 100m, Status = PoolStatus.Online,
    };

    private static UsageRollup Rollup(DateTime hour, int model, int pool, long tokens) => new()
    {
        Hour = hour, RegionCode = "CN-GD", IndustryCode = "government", ModelId = model, PackageId = 1, PoolId = pool,
        InputTokens = tokens * 3 / 4, OutputTokens = tokens - tokens * 3 / 4, Calls = 10,
    };

    public async Task<Deployment> DeploymentAsync(int model, int pool)
    {
        await using var db = Database.CreateDbContext();
        return await db.Deployments.AsNoTracking().SingleAsync(d => d.ModelId == model && d.PoolId == pool, TestContext.Current.CancellationToken);
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
