using System.Globalization;
using System.Security.Claims;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Usage;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Tests.Billing;

/// <summary>
/// November 2026 with three price rules, through the services the console runs (ingestion and the usage writer, the
/// rules engine, the bill run), on a migrated SQLite file. One package, PAYG-0: no allowance, pay as you go at ¥4.00 per
/// million, so every token is overage. Rule set v1 (ordinals in this order):
/// 0 "finance −¥0.33/M" (stacks, priority 20), 1 "night −20 %" (stacks, 22:00–06:00 Beijing, priority 10),
/// 2 "government flat ¥2.50/M" (exclusive, priority 5).
/// FIN (finance): 1,234,567 tokens at 14:00 on 3 Nov (finance only), 777,777 at 23:00 on 20 Nov (night, then finance).
/// GOV (government): 2,000,000 at 10:00 on 5 Nov and 1,000,000 at 23:30 on 6 Nov (the exclusive rule only, night ignored).
/// RET (retail): 1,000,000 at 12:00 on 9 Nov (no rule).
/// After November's bill run, 500,000 more tokens of FIN at 23:10 on 20 Nov arrive late and go on December's bill.
/// </summary>
public sealed class RuleEffectsNovember : IAsyncLifetime
{
    public static readonly BillMonth November = new(2026, 11);
    public static readonly BillMonth December = new(2026, 12);

    private static readonly ClaimsPrincipal Am = User("am-1", "Liu Yang", Roles.AccountManager);

    private readonly Dictionary<string, (string Region, string Industry)> _homes = [];
    private ServiceProvider? _services;
    private UsageWriter? _writer;

    public TestDatabase Database { get; } = new();
    public FakeTimeProvider Clock { get; } = new(Bj(10, 20, 9));
    public Dictionary<string, int> Customers { get; } = [];
    public int Std { get; private set; }
    public int PackageId { get; private set; }

    /// <summary>November's bills right after the first run, and after running the month again.</summary>
    public List<Bill> FirstRun { get; private set; } = [];
    public List<Bill> SecondRun { get; private set; } = [];

    public static DateTimeOffset Bj(int month, int day, int hour = 0, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public T Get<T>() where T : notnull => _services!.GetRequiredService<T>();

    public async ValueTask InitializeAsync()
    {
        _services = new ServiceCollection().AddModules(Database, Clock, new Dictionary<string, string?> { ["Billing:VatRate"] = "0.06", ["Billing:RecognizeFees"] = "false" },
            b => b.AddUsage(), b => b.AddPricing(), b => b.AddCustomers(), b => b.AddBilling()).BuildServiceProvider();
        await SeedAsync();
        await Get<IReferenceDataEvents>().PublishAsync(ReferenceDataChange.Everything);
        await Get<RuleSetProvider>().ReloadAsync(Ct);
        _writer = Get<UsageWriter>();
        await _writer.StartAsync(Ct);
        foreach (var code in Customers.Keys)
        {
            var result = await Get<IServiceScopeFactory>().CreateScope().ServiceProvider.GetRequiredService<SubscriptionService>()
                .SubscribeAsync(Am, Customers[code], PackageId, null, Ct);
            Assert.True(result.Succeeded, result.Refusal?.Code);
        }

        await UseAsync("fin-1103", Bj(11, 3, 14), "FIN", 1_234_567);
        await UseAsync("gov-1105", Bj(11, 5, 10), "GOV", 2_000_000);
        await UseAsync("gov-1106", Bj(11, 6, 23, 30), "GOV", 1_000_000);
        await UseAsync("ret-1109", Bj(11, 9, 12), "RET", 1_000_000);
        await UseAsync("fin-1120", Bj(11, 20, 23), "FIN", 777_777);

        Clock.SetUtcNow(Bj(12, 1, 0, 10));
        await Get<BillRunService>().RunAsSystemAsync(November, cancellationToken: Ct);
        FirstRun = await BillsAsync(November);
        await Get<BillRunService>().RunAsSystemAsync(November, cancellationToken: Ct);
        SecondRun = await BillsAsync(November);

        await UseAsync("fin-1120-late", Bj(11, 20, 23, 10), "FIN", 500_000, sentAt: Bj(12, 3, 9));
        Clock.SetUtcNow(new DateTimeOffset(2027, 1, 1, 0, 10, 0, TimeSpan.FromHours(8)));
        await Get<BillRunService>().RunAsSystemAsync(December, cancellationToken: Ct);
    }

    public async Task<List<Bill>> BillsAsync(BillMonth month)
    {
        await using var db = Database.CreateDbContext();
        var bills = await db.Bills.AsNoTracking().Include(b => b.Lines).ThenInclude(l => l.RuleEffects).Where(b => b.Period == month.Period)
            .OrderBy(b => b.CustomerId).ToListAsync(Ct);
        foreach (var b in bills)
        {
            b.Lines = [.. b.Lines.OrderBy(l => l.Number)];
            foreach (var l in b.Lines)
            {
                l.RuleEffects = [.. l.RuleEffects.OrderBy(e => e.Id)];
            }
        }
        return bills;
    }

    private async Task SeedAsync()
    {
        await using var db = Database.CreateDbContext();
        await DatabaseInitializer.SeedReferenceDataAsync(db, Ct);
        var std = new AiModel { Code = "std", Name = "Standard", Vendor = "t", Family = "t", Status = ModelStatus.OnSale, InputCostPerMTok = 0.5m, OutputCostPerMTok = 1m };
        db.Models.Add(std);
        db.Pools.Add(new ComputePool
        {
            Code = "pool-gd", Name = "Guangzhou", NameZh = "广州", RegionCode = "CN-GD", Tier = PoolTier.Regional, AcceleratorKind = "H20", AcceleratorCount = 8,
            CapacityTokensPerSecond = 100_000, CostPerHour = 100m, Status = PoolStatus.Online,
        });
        await db.SaveChangesAsync(Ct);
        Std = std.Id;
        var package = new TokenPackage
        {
            Code = "PAYG-0", Segment = CustomerSegment.Sme, Kind = PackageKind.Base, Status = PackageStatus.Active, CreatedBy = "pm",
            Versions =
            [
                new PackageVersion
                {
                    Number = 1, Status = PackageStatus.Active, NameEn = "PAYG-0", NameZh = "PAYG-0", BillingPeriod = BillingPeriod.Monthly, ValidityDays = 30, PriceCny = 0m,
                    IncludedTokens = 0, OveragePricePerMTok = 4.00m, WhenExhausted = ExhaustionPolicy.PayAsYouGo,
                    Entitlements = [new ModelEntitlement { ModelId = Std, Multiplier = 1m }],
                },
            ],
        };
        db.Packages.Add(package);
        await db.SaveChangesAsync(Ct);
        package.ActiveVersionId = package.Versions[0].Id;
        PackageId = package.Id;
        var customers = new[]
        {
            new Customer { Code = "FIN", Name = "Fin", NameZh = "金融", Segment = CustomerSegment.Sme, RegionCode = "CN-GD", IndustryCode = "finance", Status = CustomerStatus.Active, CreatedAt = Bj(9, 1) },
            new Customer { Code = "GOV", Name = "Gov", NameZh = "政务", Segment = CustomerSegment.Sme, RegionCode = "CN-BJ", IndustryCode = "government", Status = CustomerStatus.Active, CreatedAt = Bj(9, 1) },
            new Customer { Code = "RET", Name = "Ret", NameZh = "零售", Segment = CustomerSegment.Sme, RegionCode = "CN-SH", IndustryCode = "retail", Status = CustomerStatus.Active, CreatedAt = Bj(9, 1) },
        };
        db.Customers.AddRange(customers);
        PriceRule[] rules =
        [
            new() { Name = "finance −¥0.33/M", Effect = PriceEffectKind.AbsolutePerMTok, Value = -0.33m, Stacking = StackingPolicy.Stacks, Priority = 20, Scope = new() { IndustryCodes = ["finance"] } },
            new() { Name = "night −20 %", Effect = PriceEffectKind.Percentage, Value = -20m, Stacking = StackingPolicy.Stacks, Priority = 10, Scope = new() { HourFrom = 22, HourTo = 6 } },
            new() { Name = "government flat ¥2.50/M", Effect = PriceEffectKind.UnitPrice, Value = 2.5m, Stacking = StackingPolicy.Exclusive, Priority = 5, Scope = new() { IndustryCodes = ["government"] } },
        ];
        db.PriceRuleSetVersions.Add(new PriceRuleSetVersion
        {
            Number = 1, WorkflowJson = RuleSetEngine.ToWorkflowJson(1, rules), Status = RuleSetStatus.Active, CreatedAt = Bj(10, 1), CreatedBy = "test", ActivatedAt = Bj(10, 1),
        });
        await db.SaveChangesAsync(Ct);
        foreach (var c in customers)
        {
            Customers[c.Code] = c.Id;
            _homes[c.Code] = (c.RegionCode, c.IndustryCode);
        }
    }

    /// <summary>One model call (all input tokens), sent a minute after it happened (or at <paramref name="sentAt"/>) through the ingestion service.</summary>
    private async Task UseAsync(string id, DateTimeOffset at, string customer, long tokens, DateTimeOffset? sentAt = null)
    {
        Clock.SetUtcNow(sentAt ?? at.AddMinutes(1));
        var (region, industry) = _homes[customer];
        var outcome = await Get<IngestionService>().IngestAsync([new UsageEventRequest
        {
            Id = id, Timestamp = at.ToString("O", CultureInfo.InvariantCulture), Customer = customer, Package = "PAYG-0", Model = "std",
            Region = region, Industry = industry, InputTokens = tokens, OutputTokens = 0, Pool = "pool-gd",
        }], Ct);
        Assert.Equal(IngestionStatus.Stored, outcome.Status);
        Assert.True(outcome.Result!.Accepted == 1, string.Join("; ", outcome.Result.Errors.Select(e => $"{e.Field}: {e.Message}")));
    }

    private static ClaimsPrincipal User(string id, string name, string role) =>
        new(new ClaimsIdentity([new Claim(Actor.ObjectIdClaim, id), new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.StopAsync(CancellationToken.None);
        }
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        Database.Dispose();
    }
}
