using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Usage;
using TokenConsole.Localization;

namespace TokenConsole.Tests.Compute;

/// <summary>
/// A small known fleet, worked out by hand (tokens per second throughout):
/// <list type="bullet">
/// <item>pool Hot (1,000 capacity, online): Alpha primary 600 + Gamma failover 300 = 900 allocated; busiest hour of the
/// last day 900 (90 %, red), 1,000 twenty days ago.</item>
/// <item>pool Cool (2,000, online): Beta primary 1,000 + Alpha failover 400 = 1,400 allocated; busiest hour of the last
/// day 600 (two rollup rows of 300 in the same hour: 30 %, green), 1,400 three days ago (70 %, amber), and 10,000
/// a hundred days ago (outside every period).</item>
/// <item>pool Down (500, offline): Gamma primary 500, which does not count as deployed capacity.</item>
/// <item>package A v1 (60,000 TPM = 1,000/s, Alpha + Beta): 2 active subscriptions, 1 expired, 1 active but ended;
/// package B v1 (120,000 TPM = 2,000/s, Alpha): 1 active subscription.</item>
/// <item>sold: Alpha 2 × 1,000 + 2,000 = 4,000 over 600 deployed = 6.67×; Beta 2,000 over 1,000 = 2×; Gamma on sale
/// with nothing deployed; Delta in preview with nothing at all.</item>
/// <item>in review: A v2 (90,000 TPM = 1,500/s × 2 subscriptions = 3,000 extra: Alpha → 11.67×, Beta → 5×), and the
/// brand-new package C v1 (6,000 TPM = 100/s × 1: Beta → 2.1×).</item>
/// </list>
/// </summary>
public sealed class CapacityTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 15, 12, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly ComputeOptions _options = new();
    private readonly ServiceProvider _services;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;

    private int _alpha, _beta, _gamma, _delta, _hot, _cool, _down, _versionA2, _versionC1;

    public CapacityTests()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        var services = new ServiceCollection().AddModules(_database, _clock, b => b.AddConsoleLocalization(), b => b.AddCatalog(), b => b.AddCompute());
        // The thresholds as this class sets them (some tests change them).
        services.AddSingleton(Options.Create(_options));
        _services = services.BuildServiceProvider();
        Seed();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private CapacityService Capacity => _services.CreateScope().ServiceProvider.GetRequiredService<CapacityService>();

    private ComputeAlerts NewAlerts()
    {
        // A fresh cache each time, so that a test sees the data as it is now.
        var scope = _services.CreateScope().ServiceProvider;
        return new ComputeAlerts(scope.GetRequiredService<CapacityService>(), new MemoryCache(new MemoryCacheOptions()));
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
        _services.Dispose();
        _database.Dispose();
    }

    private void Seed()
    {
        using var db = _database.CreateDbContext();
        db.Regions.AddRange(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东" }, new Region { Code = "CN-BJ", NameEn = "Beijing", NameZh = "北京" });
        db.Industries.Add(new Industry { Code = "finance", NameEn = "Finance", NameZh = "金融" });
        AiModel Model(string name, ModelStatus status) => new() { Code = name.ToLowerInvariant(), Name = name, Vendor = "v", Family = "f", Status = status };
        var models = new[] { Model("Alpha", ModelStatus.OnSale), Model("Beta", ModelStatus.OnSale), Model("Gamma", ModelStatus.OnSale), Model("Delta", ModelStatus.Preview) };
        ComputePool Pool(string name, string region, long capacity, PoolStatus status) =>
            new() { Code = name.ToLowerInvariant(), Name = name, NameZh = name + "池", RegionCode = region, AcceleratorKind = "x", CapacityTokensPerSecond = capacity, Status = status };
        var pools = new[] { Pool("Hot", "CN-GD", 1_000, PoolStatus.Online), Pool("Cool", "CN-BJ", 2_000, PoolStatus.Online), Pool("Down", "CN-BJ", 500, PoolStatus.Offline) };
        db.Models.AddRange(models);
        db.Pools.AddRange(pools);
        db.SaveChanges();
        (_alpha, _beta, _gamma, _delta) = (models[0].Id, models[1].Id, models[2].Id, models[3].Id);
        (_hot, _cool, _down) = (pools[0].Id, pools[1].Id, pools[2].Id);
        Deployment Deploy(int model, int pool, long allocated, DeploymentRole role) => new() { ModelId = model, PoolId = pool, AllocatedTokensPerSecond = allocated, Role = role, RoutingWeight = 100 };
        db.Deployments.AddRange(
            Deploy(_alpha, _hot, 600, DeploymentRole.Primary), Deploy(_gamma, _hot, 300, DeploymentRole.Failover),
            Deploy(_beta, _cool, 1_000, DeploymentRole.Primary), Deploy(_alpha, _cool, 400, DeploymentRole.Failover),
            Deploy(_gamma, _down, 500, DeploymentRole.Primary));

        PackageVersion Version(int number, PackageStatus status, long tpm, params int[] modelIds) => new()
        {
            Number = number, Status = status, NameEn = $"v{number}", NameZh = $"v{number}", TokensPerMinuteLimit = tpm, CreatedBy = "pm",
            Entitlements = [.. modelIds.Select(m => new ModelEntitlement { ModelId = m })],
        };
        var a = new TokenPackage { Code = "A", CreatedBy = "pm", Status = PackageStatus.Active, Versions = [Version(1, PackageStatus.Active, 60_000, _alpha, _beta), Version(2, PackageStatus.InReview, 90_000, _alpha, _beta)] };
        var b = new TokenPackage { Code = "B", CreatedBy = "pm", Status = PackageStatus.Active, Versions = [Version(1, PackageStatus.Active, 120_000, _alpha)] };
        var c = new TokenPackage { Code = "C", CreatedBy = "pm", Status = PackageStatus.InReview, Versions = [Version(1, PackageStatus.InReview, 6_000, _beta)] };
        db.Packages.AddRange(a, b, c);
        var customer = new Customer { Code = "C1", Name = "Acme", NameZh = "艾克米", IndustryCode = "finance", RegionCode = "CN-GD" };
        db.Customers.Add(customer);
        db.SaveChanges();
        (_versionA2, _versionC1) = (a.Versions[1].Id, c.Versions[0].Id);
        Subscription Subscribe(TokenPackage package, SubscriptionStatus status, DateTimeOffset? endsAt = null) => new()
        {
            CustomerId = customer.Id, PackageId = package.Id, PackageVersionId = package.Versions[0].Id, StartsAt = Now.AddDays(-40), EndsAt = endsAt, Status = status,
        };
        db.Subscriptions.AddRange(
            Subscribe(a, SubscriptionStatus.Active, Now.AddDays(10)), Subscribe(a, SubscriptionStatus.Active),
            Subscribe(a, SubscriptionStatus.Expired), Subscribe(a, SubscriptionStatus.Active, Now.AddDays(-1)),
            Subscribe(b, SubscriptionStatus.Active, Now.AddDays(200)));

        UsageRollup Rollup(int pool, int model, double hoursAgo, long tokens) => new()
        {
            Hour = Now.UtcDateTime.AddHours(-hoursAgo), RegionCode = "CN-GD", IndustryCode = "finance", ModelId = model, PackageId = a.Id, PoolId = pool,
            InputTokens = tokens / 4, OutputTokens = tokens - tokens / 4, Calls = 1,
        };
        db.UsageRollups.AddRange(
            Rollup(_hot, _alpha, 2, 3_240_000),           // 900/s
            Rollup(_hot, _alpha, 3, 1_000_000), Rollup(_hot, _gamma, 3, 800_000),   // 500/s
            Rollup(_hot, _alpha, 20 * 24, 3_600_000),     // 1,000/s twenty days ago
            Rollup(_cool, _beta, 5, 1_080_000), Rollup(_cool, _alpha, 5, 1_080_000), // 600/s only when the two are summed
            Rollup(_cool, _beta, 6, 1_440_000),           // 400/s
            Rollup(_cool, _beta, 3 * 24, 5_040_000),      // 1,400/s three days ago
            Rollup(_cool, _beta, 100 * 24, 36_000_000),   // 10,000/s, before the longest period
            Rollup(_down, _gamma, 30, 360_000));          // 100/s, 30 hours ago: outside the last day
        db.SaveChanges();
    }

    [Theory]
    [InlineData(CapacityPeriod.Day, 900, 600, 0)]
    [InlineData(CapacityPeriod.Week, 900, 1_400, 100)]
    [InlineData(CapacityPeriod.Month, 1_000, 1_400, 100)]
    [InlineData(CapacityPeriod.Quarter, 1_000, 1_400, 100)]
    public async Task Peak_load_is_the_busiest_hour_of_the_period_summed_over_models(CapacityPeriod period, double hot, double cool, double down)
    {
        var pools = (await Capacity.PoolsAsync(period, Ct)).ToDictionary(p => p.Pool.Id);
        Assert.Equal(hot, pools[_hot].PeakTokensPerSecond, 6);
        Assert.Equal(cool, pools[_cool].PeakTokensPerSecond, 6);
        Assert.Equal(down, pools[_down].PeakTokensPerSecond, 6);
        Assert.Equal(hot / 1_000, pools[_hot].Utilisation, 6);
        Assert.Equal(cool / 2_000, pools[_cool].Utilisation, 6);
    }

    [Fact]
    public async Task Pools_show_what_is_allocated_on_them_and_their_load_band()
    {
        var day = (await Capacity.PoolsAsync(CapacityPeriod.Day, Ct)).ToDictionary(p => p.Pool.Id);
        Assert.Equal([900, 1_400, 500], new[] { day[_hot], day[_cool], day[_down] }.Select(p => p.AllocatedTokensPerSecond));
        Assert.Equal(LoadBand.Red, day[_hot].Band);
        Assert.Equal(LoadBand.Green, day[_cool].Band);
        var week = (await Capacity.PoolsAsync(CapacityPeriod.Week, Ct)).ToDictionary(p => p.Pool.Id);
        Assert.Equal(LoadBand.Amber, week[_cool].Band);
    }

    [Theory]
    [InlineData(0.599, LoadBand.Green)]
    [InlineData(0.6, LoadBand.Amber)]
    [InlineData(0.8, LoadBand.Amber)]
    [InlineData(0.801, LoadBand.Red)]
    public void Load_bands_are_green_below_60_amber_to_80_red_above(double utilisation, LoadBand band) =>
        Assert.Equal(band, CapacityService.BandOf(utilisation));

    [Fact]
    public async Task Sold_commitment_counts_active_subscriptions_full_limit_against_each_entitled_model_and_deployed_capacity_only_online_primaries()
    {
        var models = (await Capacity.ModelsAsync(Ct)).ToDictionary(m => m.Model.Id);
        Assert.Equal(4_000, models[_alpha].SoldTokensPerSecond, 6);
        Assert.Equal(600, models[_alpha].DeployedTokensPerSecond);
        Assert.Equal(4_000 / 600.0, models[_alpha].Ratio, 6);
        Assert.Equal(3, models[_alpha].ActiveSubscriptions);
        Assert.Equal(2_000, models[_beta].SoldTokensPerSecond, 6);
        Assert.Equal(1_000, models[_beta].DeployedTokensPerSecond);
        Assert.Equal(2.0, models[_beta].Ratio, 6);
        // Gamma's primary is on an offline pool and its failover does not count: nothing deployed, nothing sold.
        Assert.Equal(0, models[_gamma].DeployedTokensPerSecond);
        Assert.False(models[_gamma].HasPrimaryCapacity);
        Assert.Equal(0, models[_gamma].Ratio);
        Assert.Equal(0, models[_delta].SoldTokensPerSecond);
    }

    [Fact]
    public async Task Alerts_name_the_overloaded_pool_the_oversubscribed_model_and_the_model_on_sale_without_capacity()
    {
        var alerts = await NewAlerts().GetAsync(Ct);
        Assert.Equal(3, alerts.Count);
        var pool = Assert.Single(alerts, a => a.Kind == ComputeAlertKind.PoolOverloaded);
        Assert.Equal(("Hot", 0.9), (pool.Subject, Math.Round(pool.Value, 6)));
        var oversold = Assert.Single(alerts, a => a.Kind == ComputeAlertKind.ModelOversubscribed);
        Assert.Equal(("Alpha", 4_000 / 600.0, 3.0), (oversold.Subject, oversold.Value, oversold.Threshold));
        // Gamma is on sale without capacity; Delta, in preview with nothing deployed, is not reported.
        Assert.Equal("Gamma", Assert.Single(alerts, a => a.Kind == ComputeAlertKind.ModelWithoutCapacity).Subject);
    }

    [Fact]
    public async Task A_pool_in_maintenance_or_draining_is_an_alert_that_says_what_it_carries()
    {
        await using (var db = _database.CreateDbContext())
        {
            await db.Pools.Where(p => p.Id == _cool).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PoolStatus.Maintenance), Ct);
            await db.Pools.Where(p => p.Id == _hot).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PoolStatus.Draining), Ct);
        }
        var alerts = await NewAlerts().GetAsync(Ct);
        // Cool carries Beta's primary (1,000) and Alpha's failover (400); Hot Alpha's primary (600) and Gamma's failover (300).
        var maintenance = Assert.Single(alerts, a => a.Kind == ComputeAlertKind.PoolInMaintenance);
        Assert.Equal(("Cool", 1_400.0), (maintenance.Subject, maintenance.Value));
        var draining = Assert.Single(alerts, a => a.Kind == ComputeAlertKind.PoolDraining);
        Assert.Equal(("Hot", 900.0), (draining.Subject, draining.Value));
        var localizer = _services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<TokenConsole.Localization.SharedResource>>();
        Assert.Equal("Cool is in maintenance and still has 1,400 tokens/s of deployments on it.", CapacityText.Describe(maintenance, localizer));
        Assert.Equal("Hot is draining and still has 900 tokens/s of deployments on it.", CapacityText.Describe(draining, localizer));
        // An offline pool is not an alert of its own: it is simply out of service (its models without capacity are).
        Assert.DoesNotContain(alerts, a => a.Subject == "Down" && a.Kind != ComputeAlertKind.PoolOverloaded);
    }

    [Fact]
    public async Task Alerts_clear_when_the_load_drops_capacity_returns_and_the_threshold_is_raised()
    {
        _options.OversubscriptionThreshold = 10;
        await using (var db = _database.CreateDbContext())
        {
            await db.UsageRollups.Where(r => r.PoolId == _hot && r.Hour > Now.UtcDateTime.AddDays(-1)).ExecuteDeleteAsync(Ct);
            await db.Pools.Where(p => p.Id == _down).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PoolStatus.Online), Ct);
        }
        Assert.Empty(await NewAlerts().GetAsync(Ct));
        // Beta, at 2× its capacity, is oversubscribed once the threshold is below that.
        _options.OversubscriptionThreshold = 1.5;
        Assert.Equal(["Alpha", "Beta"], (await NewAlerts().GetAsync(Ct)).Where(a => a.Kind == ComputeAlertKind.ModelOversubscribed).Select(a => a.Subject));
    }

    [Fact]
    public async Task Alerts_are_cached_until_invalidated()
    {
        var alerts = _services.CreateScope().ServiceProvider.GetRequiredService<ComputeAlerts>();
        Assert.Equal(3, (await alerts.GetAsync(Ct)).Count);
        await using (var db = _database.CreateDbContext())
        {
            await db.UsageRollups.Where(r => r.PoolId == _hot).ExecuteDeleteAsync(Ct);
        }
        Assert.Equal(3, (await alerts.GetAsync(Ct)).Count);
        alerts.Invalidate();
        Assert.Equal(2, (await alerts.GetAsync(Ct)).Count);
    }

    [Fact]
    public async Task A_new_version_adds_its_limit_times_the_package_subscriptions_and_names_the_models_it_pushes_beyond_the_threshold()
    {
        await using var db = _database.CreateDbContext();
        var a2 = await db.PackageVersions.Include(v => v.Entitlements).SingleAsync(v => v.Id == _versionA2, Ct);
        var excess = await Capacity.WouldExceedAsync(a2, Ct);
        Assert.Equal(["Alpha", "Beta"], excess.Select(e => e.Model.Name));
        Assert.All(excess, e => Assert.Equal(3_000, e.ExtraTokensPerSecond, 6));
        Assert.Equal((4_000 / 600.0, 7_000 / 600.0), (excess[0].CurrentRatio, excess[0].ResultingRatio));
        Assert.Equal((2.0, 5.0), (excess[1].CurrentRatio, excess[1].ResultingRatio));
    }

    [Fact]
    public async Task The_activation_check_warns_the_approver_with_model_and_ratios_when_over_the_threshold()
    {
        var lifecycle = _services.CreateScope().ServiceProvider.GetRequiredService<PackageLifecycleService>();
        var warnings = await lifecycle.ActivationWarningsAsync(_versionA2, Ct);
        Assert.Equal(2, warnings.Count);
        Assert.Equal("Launching this version would raise the sold commitment on Alpha from 6.67× to 11.67× its deployed capacity (threshold 3.0×).", warnings[0]);
        Assert.Contains("Beta from 2.0× to 5.0×", warnings[1], StringComparison.Ordinal);

        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        var chinese = await lifecycle.ActivationWarningsAsync(_versionA2, Ct);
        Assert.Equal("上线此版本将使 Alpha 的售出倍数从 6.67× 升至 11.67×（阈值 3.0×）。", chinese[0]);
    }

    [Fact]
    public async Task The_activation_check_is_silent_under_the_threshold_and_honours_a_higher_threshold()
    {
        var lifecycle = _services.CreateScope().ServiceProvider.GetRequiredService<PackageLifecycleService>();
        // Brand-new package C adds 100/s once: Beta goes to 2.1×, under 3×.
        Assert.Empty(await lifecycle.ActivationWarningsAsync(_versionC1, Ct));
        _options.OversubscriptionThreshold = 6;
        var warnings = await lifecycle.ActivationWarningsAsync(_versionA2, Ct);
        Assert.Contains("Alpha", Assert.Single(warnings), StringComparison.Ordinal);
        _options.OversubscriptionThreshold = 12;
        Assert.Empty(await lifecycle.ActivationWarningsAsync(_versionA2, Ct));
    }

    [Fact]
    public async Task A_model_without_primary_capacity_gets_an_infinite_ratio_and_its_own_warning()
    {
        await using (var db = _database.CreateDbContext())
        {
            await db.Pools.Where(p => p.Id == _cool).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PoolStatus.Draining), Ct);
        }
        var beta = (await Capacity.ModelsAsync(Ct)).Single(m => m.Model.Id == _beta);
        Assert.True(double.IsPositiveInfinity(beta.Ratio));
        var lifecycle = _services.CreateScope().ServiceProvider.GetRequiredService<PackageLifecycleService>();
        var warning = Assert.Single(await lifecycle.ActivationWarningsAsync(_versionC1, Ct));
        Assert.StartsWith("Beta has no primary capacity on an online pool", warning, StringComparison.Ordinal);
        Assert.Contains(await NewAlerts().GetAsync(Ct), a => a.Kind == ComputeAlertKind.ModelWithoutCapacity && a.Subject == "Beta");
    }
}
