using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;

namespace TokenConsole.Tests.Catalog;

/// <summary>
/// The catalog services over a real migrated SQLite file, the real authorization policies and a fake clock, with three
/// models (two on sale, one withdrawn), two active Personal packages and people of each role.
/// </summary>
public sealed class CatalogTestBed : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public CatalogTestBed()
    {
        Clock = new FakeTimeProvider(Start);
        _services = new ServiceCollection()
            .AddModules(Database, Clock, new Dictionary<string, string?> { ["Catalog:ActivationCheckInterval"] = "00:01:00" }, b => b.AddCatalog())
            .BuildServiceProvider();

        using var db = Database.CreateDbContext();
        db.Models.AddRange(
            new AiModel { Id = 1, Code = "cheap", Name = "Cheap", Vendor = "v", Family = "f", Status = ModelStatus.OnSale, InputCostPerMTok = 1m, OutputCostPerMTok = 3m },
            new AiModel { Id = 2, Code = "premium", Name = "Premium", Vendor = "v", Family = "f", Status = ModelStatus.OnSale, InputCostPerMTok = 10m, OutputCostPerMTok = 30m },
            new AiModel { Id = 3, Code = "old", Name = "Old", Vendor = "v", Family = "f", Status = ModelStatus.Withdrawn, InputCostPerMTok = 1m, OutputCostPerMTok = 1m });
        db.Industries.AddRange(new Industry { Code = "consumer", NameEn = "Consumer", NameZh = "个人消费" }, new Industry { Code = "finance", NameEn = "Finance", NameZh = "金融" });
        db.Regions.Add(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东" });
        db.Packages.AddRange(Active("P-SMALL", 10m, 5_000_000, "consumer"), Active("P-BIG", 40m, 50_000_000, "consumer,finance"));
        db.SaveChanges();
        foreach (var package in db.Packages.Include(p => p.Versions).ToList())
        {
            package.ActiveVersionId = package.Versions[0].Id;
        }
        db.SaveChanges();
        Database.IdsSeeded();
    }

    public TestDatabase Database { get; } = new();
    public FakeTimeProvider Clock { get; }
    public CatalogService Catalog => _services.GetRequiredService<CatalogService>();
    public PackageLifecycleService Lifecycle => _services.GetRequiredService<PackageLifecycleService>();
    public IServiceScopeFactory Scopes => _services.GetRequiredService<IServiceScopeFactory>();
    public IServiceProvider Services => _services;
    public ReferenceDataSignal Signal => _services.GetRequiredService<ReferenceDataSignal>();

    public static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    public static readonly ClaimsPrincipal Pm = User("pm", Roles.ProductManager);
    public static readonly ClaimsPrincipal OtherPm = User("pm2", Roles.ProductManager);
    public static readonly ClaimsPrincipal Exec = User("exec", Roles.Executive);
    public static readonly ClaimsPrincipal Ops = User("ops", Roles.Operations);
    public static readonly ClaimsPrincipal Admin = User("admin", Roles.Administrator);

    /// <summary>A valid new Personal package: 20M tokens for ¥30 on the cheap model.</summary>
    public static PackageForm NewForm(string code = "P-NEW") => new()
    {
        Code = code, NameEn = "New pack", NameZh = "新套餐", Segment = CustomerSegment.Personal, Tags = ["consumer"],
        BillingPeriod = BillingPeriod.Monthly, ValidityDays = 30, PriceCny = 30m, IncludedTokens = 20_000_000, OveragePricePerMTok = 2m,
        Entitlements = [new EntitlementRow { ModelId = 1, Multiplier = 1m }], ConcurrencyLimit = 5, TokensPerMinuteLimit = 50_000, SlaPercent = 99.5m,
    };

    public async Task<WriteResult<PackageRef>> CreateSubmittedAsync(string code = "P-NEW", ClaimsPrincipal? author = null)
    {
        var saved = await Lifecycle.SaveDraftAsync(author ?? Pm, NewForm(code), TestContext.Current.CancellationToken);
        Assert.True(saved.Succeeded, saved.Refusal?.Code);
        var submitted = await Lifecycle.SubmitAsync(author ?? Pm, saved.Value!.VersionId, await TokenAsync(saved.Value!.VersionId), TestContext.Current.CancellationToken);
        Assert.True(submitted.Succeeded, submitted.Refusal?.Code);
        return submitted;
    }

    public async Task<uint> TokenAsync(int versionId)
    {
        await using var db = Database.CreateDbContext();
        return await db.PackageVersions.Where(v => v.Id == versionId).Select(v => v.Version).SingleAsync(TestContext.Current.CancellationToken);
    }

    private TokenPackage Active(string code, decimal price, long tokens, string tags) => new()
    {
        Code = code, Segment = CustomerSegment.Personal, Status = PackageStatus.Active, CreatedBy = "pm", CreatedAt = Start.AddDays(-60),
        Versions =
        [
            new PackageVersion
            {
                Number = 1, Status = PackageStatus.Active, NameEn = code, NameZh = code, Tags = tags, BillingPeriod = BillingPeriod.Monthly, ValidityDays = 30,
                PriceCny = price, IncludedTokens = tokens, OveragePricePerMTok = 3m, ConcurrencyLimit = 2, TokensPerMinuteLimit = 20_000, SlaPercent = 99.5m,
                Entitlements = [new ModelEntitlement { ModelId = 1, Multiplier = 1m }], CreatedBy = "pm", CreatedAt = Start.AddDays(-60),
                EffectiveFrom = Start.AddDays(-30), PublishedAt = Start.AddDays(-31), PublishedBy = "exec",
            },
        ],
    };

    public void Dispose()
    {
        _services.Dispose();
        Database.Dispose();
    }
}
