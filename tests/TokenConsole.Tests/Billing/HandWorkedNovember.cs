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
/// October and November 2026 played day by day on a migrated SQLite file with a fake clock, through the services the
/// console runs: subscriptions, the upgrade, the cancellation and the top-ups through <see cref="SubscriptionService"/>,
/// the price rule through the maker–checker <see cref="PriceChangeService"/> and the rules engine, usage through
/// <see cref="IngestionService"/> (the path of the HTTP API: validation, then the usage writer with its buckets), fees
/// through <see cref="FeeRecognizer"/> as each month closes, the bills through <see cref="BillRunService"/>, the credit
/// note through <see cref="CreditNoteService"/>. <see cref="HandWorkedNovemberTests"/> holds the figures worked by hand.
/// </summary>
/// <remarks>
/// Catalog (prices tax-inclusive; "std" counts × 1, "pro" × 1.5 in every base package):
/// PAYG-M ¥299.99 a month, 1,000,000 tokens, rollover capped at 50 %, pay as you go at ¥4.80 per million;
/// PAYG-L ¥1,288.88 a month, 5,000,000 tokens, no rollover, pay as you go at ¥3.60 per million;
/// STOP-P (personal) ¥19.90 a month, 100,000 tokens, stops at the limit;
/// top-up packs TOP-30D ¥9.99 for 50,000 tokens valid 30 days and TOP-7D ¥5.00 for 40,000 tokens valid 7 days.
/// Price rule v1, in force from 1 November 00:00: −15 % on finance in CN-GD.
/// </remarks>
public sealed class HandWorkedNovember : IAsyncLifetime
{
    public static readonly BillMonth October = new(2026, 10);
    public static readonly BillMonth November = new(2026, 11);

    public static readonly ClaimsPrincipal Am = User("am-1", "Liu Yang", Roles.AccountManager);
    private static readonly ClaimsPrincipal Pm = User("pm-1", "Lin Pei", Roles.ProductManager);
    private static readonly ClaimsPrincipal Exec = User("exec-1", "Chen Jing", Roles.Executive);

    private readonly Dictionary<string, (string Region, string Industry)> _homes = [];
    private ServiceProvider? _services;
    private UsageWriter? _writer;

    public TestDatabase Database { get; } = new();
    public FakeTimeProvider Clock { get; } = new(Bj(10, 1, 9));
    public Dictionary<string, int> Customers { get; } = [];
    public Dictionary<string, int> Packages { get; } = [];
    public Dictionary<string, int> Subscriptions { get; } = [];
    public Dictionary<string, long> TopUps { get; } = [];
    public int Std { get; private set; }
    public int Pro { get; private set; }

    /// <summary>WANG's top-ups (TOP-7D used, TOP-30D used) right after the first event beyond its allowance: which was drawn first.</summary>
    public (decimal SevenDays, decimal ThirtyDays) TopUpsAfterFirstDraw { get; private set; }

    public BillRunProgress NovemberRun { get; private set; } = null!;

    /// <summary>A time of 2026 in Beijing.</summary>
    public static DateTimeOffset Bj(int month, int day, int hour = 0, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _services = new ServiceCollection().AddModules(Database, Clock, new Dictionary<string, string?> { ["Billing:VatRate"] = "0.06" },
            b => b.AddUsage(), b => b.AddPricing(), b => b.AddCustomers(), b => b.AddBilling()).BuildServiceProvider();
        await SeedAsync();
        await Get<IReferenceDataEvents>().PublishAsync(ReferenceDataChange.Everything);
        _writer = Get<UsageWriter>();
        await _writer.StartAsync(Ct);

        // 1 October 09:00: ACME and ECHO subscribe (anchor 1 October: calendar-month periods).
        Subscriptions["ACME"] = await SubscribeAsync("ACME", "PAYG-M");
        At(Bj(10, 1, 9, 30));
        Subscriptions["ECHO"] = await SubscribeAsync("ECHO", "PAYG-M");
        At(Bj(10, 5, 8, 30));
        Subscriptions["WANG"] = await SubscribeAsync("WANG", "STOP-P");
        At(Bj(10, 15, 10));
        Subscriptions["BRIGHT"] = await SubscribeAsync("BRIGHT", "PAYG-M");
        await UseAsync("acme-1020", Bj(10, 20, 14), "ACME", "PAYG-M", Std, 150_000, 50_000);
        At(Bj(10, 20, 16));
        await WithSubscriptionsAsync((s, v) => s.CancelAsync(Am, Subscriptions["ECHO"], v("ECHO"), Ct));
        await UseAsync("bright-1025", Bj(10, 25, 12), "BRIGHT", "PAYG-M", Std, 600_000, 200_000);

        // 1 November 00:00: the price rule is proposed, approved and in force at once.
        At(Bj(11, 1));
        await PriceRuleAsync();
        // 00:10: October closes as the scheduler closes it.
        At(Bj(11, 1, 0, 10));
        await Get<FeeRecognizer>().RecognizeThroughAsync(October.EndUtc.AddDays(-1), Ct);
        await Get<BillRunService>().RunAsSystemAsync(October, cancellationToken: Ct);

        await UseAsync("acme-1103", Bj(11, 3, 10), "ACME", "PAYG-M", Std, 700_000, 200_000);
        At(Bj(11, 7, 16, 30));
        Subscriptions["DELTA"] = await SubscribeAsync("DELTA", "PAYG-M");
        At(Bj(11, 8, 10));
        TopUps["TOP-30D"] = await WithSubscriptionsAsync((s, _) => s.BuyTopUpAsync(Am, Subscriptions["WANG"], Packages["TOP-30D"], Ct));
        At(Bj(11, 9, 10));
        TopUps["TOP-7D"] = await WithSubscriptionsAsync((s, _) => s.BuyTopUpAsync(Am, Subscriptions["WANG"], Packages["TOP-7D"], Ct));
        await UseAsync("wang-1110", Bj(11, 10, 20), "WANG", "STOP-P", Std, 90_000, 30_000);
        TopUpsAfterFirstDraw = (await UsedAsync(TopUps["TOP-7D"]), await UsedAsync(TopUps["TOP-30D"]));
        At(Bj(11, 12, 11));
        await CreditNoteAsync("ACME", 12.34m, "Outage of 11 November, 3 hours");
        await UseAsync("wang-1112", Bj(11, 12, 22), "WANG", "STOP-P", Std, 70_000, 30_000);
        await UseAsync("bright-1116", Bj(11, 16, 9), "BRIGHT", "PAYG-M", Std, 500_000, 200_000);
        At(Bj(11, 18, 15));
        await WithSubscriptionsAsync((s, v) => s.ChangePackageAsync(Am, Subscriptions["BRIGHT"], v("BRIGHT"), Packages["PAYG-L"], PackageChange.Upgrade, Ct));
        await UseAsync("acme-1120", Bj(11, 20, 15), "ACME", "PAYG-M", Pro, 1_500_164, 500_000);
        await UseAsync("bright-1125", Bj(11, 25, 10), "BRIGHT", "PAYG-L", Std, 4_000_000, 1_123_457);
        await UseAsync("acme-1125", Bj(11, 25, 11), "ACME", "PAYG-M", Std, 300_000, 34_071);
        await UseAsync("delta-1128", Bj(11, 28, 14), "DELTA", "PAYG-M", Std, 800_000, 253_125);

        // 1 December 00:10: November's fees are recognized and an account manager runs November's bills.
        At(Bj(12, 1, 0, 10));
        await Get<FeeRecognizer>().RecognizeThroughAsync(November.EndUtc.AddDays(-1), Ct);
        var run = await Get<BillRunService>().RunAsync(Am, November, cancellationToken: Ct);
        NovemberRun = Ok(run);
    }

    private T Get<T>() where T : notnull => _services!.GetRequiredService<T>();

    private void At(DateTimeOffset instant)
    {
        Assert.True(instant >= Clock.GetUtcNow(), $"The story goes forward: {instant:O} is before {Clock.GetUtcNow():O}.");
        Clock.SetUtcNow(instant);
    }

    private async Task SeedAsync()
    {
        await using var db = Database.CreateDbContext();
        await DatabaseInitializer.SeedReferenceDataAsync(db, Ct);
        var std = new AiModel { Code = "std", Name = "Standard", Vendor = "t", Family = "t", Status = ModelStatus.OnSale, InputCostPerMTok = 0.5m, OutputCostPerMTok = 1m };
        var pro = new AiModel { Code = "pro", Name = "Premium", Vendor = "t", Family = "t", Status = ModelStatus.OnSale, InputCostPerMTok = 2m, OutputCostPerMTok = 4m };
        db.Models.AddRange(std, pro);
        db.Pools.Add(new ComputePool
        {
            Code = "pool-gd", Name = "Guangzhou", NameZh = "广州", RegionCode = "CN-GD", Tier = PoolTier.Regional, AcceleratorKind = "H20", AcceleratorCount = 8,
            CapacityTokensPerSecond = 100_000, CostPerHour = 100m, Status = PoolStatus.Online,
        });
        await db.SaveChangesAsync(Ct);
        (Std, Pro) = (std.Id, pro.Id);

        var packages = new[]
        {
            Base("PAYG-M", CustomerSegment.Sme, 299.99m, 1_000_000, 4.80m, 50, ExhaustionPolicy.PayAsYouGo),
            Base("PAYG-L", CustomerSegment.Sme, 1_288.88m, 5_000_000, 3.60m, 0, ExhaustionPolicy.PayAsYouGo),
            Base("STOP-P", CustomerSegment.Personal, 19.90m, 100_000, 6m, 0, ExhaustionPolicy.StopAtLimit),
            TopUp("TOP-30D", 9.99m, 50_000, 30),
            TopUp("TOP-7D", 5.00m, 40_000, 7),
        };
        db.Packages.AddRange(packages);
        await db.SaveChangesAsync(Ct);
        foreach (var package in packages)
        {
            package.ActiveVersionId = package.Versions[0].Id;
            Packages[package.Code] = package.Id;
        }

        var customers = new[]
        {
            Customer("ACME", "Acme Securities", "艾克米证券", CustomerSegment.Sme, "CN-GD", "finance"),
            Customer("BRIGHT", "Bright Logistics", "明亮物流", CustomerSegment.Sme, "CN-BJ", "logistics"),
            Customer("WANG", "Wang Fang", "王芳", CustomerSegment.Personal, "CN-SH", "consumer"),
            Customer("DELTA", "Delta Retail", "德尔塔零售", CustomerSegment.Sme, "CN-GD", "retail"),
            Customer("ECHO", "Echo Media", "回声传媒", CustomerSegment.Sme, "CN-GD", "media"),
        };
        db.Customers.AddRange(customers);
        await db.SaveChangesAsync(Ct);
        foreach (var c in customers)
        {
            Customers[c.Code] = c.Id;
            _homes[c.Code] = (c.RegionCode, c.IndustryCode);
        }
    }

    private TokenPackage Base(string code, CustomerSegment segment, decimal price, long included, decimal overage, int rolloverPercent, ExhaustionPolicy whenExhausted) => new()
    {
        Code = code, Segment = segment, Kind = PackageKind.Base, Status = PackageStatus.Active, CreatedBy = "pm",
        Versions =
        [
            new PackageVersion
            {
                Number = 1, Status = PackageStatus.Active, NameEn = code, NameZh = code, BillingPeriod = BillingPeriod.Monthly, ValidityDays = 30, PriceCny = price,
                IncludedTokens = included, OveragePricePerMTok = overage, RolloverPercent = rolloverPercent, WhenExhausted = whenExhausted,
                Entitlements = [new ModelEntitlement { ModelId = Std, Multiplier = 1m }, new ModelEntitlement { ModelId = Pro, Multiplier = 1.5m }],
            },
        ],
    };

    private static TokenPackage TopUp(string code, decimal price, long included, int days) => new()
    {
        Code = code, Segment = CustomerSegment.Personal, Kind = PackageKind.TopUp, Status = PackageStatus.Active, CreatedBy = "pm",
        Versions = [new PackageVersion { Number = 1, Status = PackageStatus.Active, NameEn = code, NameZh = code, BillingPeriod = BillingPeriod.OneOff, ValidityDays = days, PriceCny = price, IncludedTokens = included }],
    };

    private static Customer Customer(string code, string name, string nameZh, CustomerSegment segment, string region, string industry) => new()
    {
        Code = code, Name = name, NameZh = nameZh, Segment = segment, RegionCode = region, IndustryCode = industry, Status = CustomerStatus.Active,
        CreatedAt = Bj(9, 1),
    };

    private Task<int> SubscribeAsync(string customer, string package) =>
        WithSubscriptionsAsync((s, _) => s.SubscribeAsync(Am, Customers[customer], Packages[package], null, Ct));

    /// <summary>A subscription operation as an account manager makes it, on the version of the subscription they see.</summary>
    private async Task<T> WithSubscriptionsAsync<T>(Func<SubscriptionService, Func<string, uint>, Task<WriteResult<T>>> change)
    {
        await using var db = Database.CreateDbContext();
        var versions = await db.Subscriptions.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Version, Ct);
        using var scope = _services!.CreateScope();
        return Ok(await change(scope.ServiceProvider.GetRequiredService<SubscriptionService>(), code => versions[Subscriptions[code]]));
    }

    /// <summary>One model call, sent a minute after it happened through the ingestion service the HTTP API calls.</summary>
    private async Task UseAsync(string id, DateTimeOffset at, string customer, string package, int model, long input, long output)
    {
        At(at.AddMinutes(1));
        var (region, industry) = _homes[customer];
        var outcome = await Get<IngestionService>().IngestAsync([new UsageEventRequest
        {
            Id = id, Timestamp = at.ToString("O", CultureInfo.InvariantCulture), Customer = customer, Package = package, Model = model == Std ? "std" : "pro",
            Region = region, Industry = industry, InputTokens = input, OutputTokens = output, Pool = "pool-gd",
        }], Ct);
        Assert.Equal(IngestionStatus.Stored, outcome.Status);
        Assert.True(outcome.Result!.Accepted == 1, string.Join("; ", outcome.Result.Errors.Select(e => $"{e.Field}: {e.Message}")));
    }

    private async Task PriceRuleAsync()
    {
        using var scope = _services!.CreateScope();
        var changes = scope.ServiceProvider.GetRequiredService<PriceChangeService>();
        var content = new PriceChangeContent
        {
            Add = [new PriceRule { Name = "finance-gd-15-off", Effect = PriceEffectKind.Percentage, Value = -15, Scope = new() { RegionCodes = ["CN-GD"], IndustryCodes = ["finance"] } }],
        };
        var draft = Ok(await changes.SaveDraftAsync(Pm, null, 0, "Finance in Guangdong −15 %", "", PriceChangeAudience.AllSubscriptions, Clock.GetUtcNow(), content, null, Ct));
        var submitted = Ok(await changes.SubmitAsync(Pm, draft.Id, draft.Version, Ct));
        var approved = Ok(await changes.ApproveAsync(Exec, submitted.Id, submitted.Version, "Margin holds", Ct));
        Assert.Equal(PriceChangeStatus.Active, approved.Status);
    }

    private async Task CreditNoteAsync(string customer, decimal amount, string reason)
    {
        await using var db = Database.CreateDbContext();
        var bill = await db.Bills.AsNoTracking().SingleAsync(b => b.CustomerId == Customers[customer] && b.Period == October.Period, Ct);
        var note = Ok(await Get<CreditNoteService>().ProposeAsync(Am, bill.Id, amount, reason, Ct));
        Assert.Equal(CreditNoteStatus.Approved, note.Status);
    }

    private async Task<decimal> UsedAsync(long bucketId)
    {
        await using var db = Database.CreateDbContext();
        return (await db.AllowanceBuckets.AsNoTracking().SingleAsync(b => b.Id == bucketId, Ct)).Used;
    }

    private static T Ok<T>(WriteResult<T> result)
    {
        Assert.True(result.Succeeded, result.Refusal?.Code);
        return result.Value!;
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
