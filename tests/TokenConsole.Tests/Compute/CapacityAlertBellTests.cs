using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Usage;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Compute;

/// <summary>
/// The app-bar bell over a real database with two alerts: pool "Busy" at 95 % of its capacity in the last day, and model
/// "Orphan" on sale without any deployment. Model "Served" has its primary and nothing to report.
/// </summary>
public sealed class CapacityAlertBellTests : ComponentTestContext
{
    private readonly TestDatabase _database = new();

    public CapacityAlertBellTests()
    {
        var now = new DateTimeOffset(2026, 11, 15, 12, 0, 0, TimeSpan.Zero);
        Services.AddModules(_database, new FakeTimeProvider(now), b => b.AddCompute());
        using var db = _database.CreateDbContext();
        db.Regions.Add(new Region { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东" });
        var pool = new ComputePool { Code = "busy", Name = "Busy", NameZh = "繁忙池", RegionCode = "CN-GD", AcceleratorKind = "x", CapacityTokensPerSecond = 1_000, Status = PoolStatus.Online };
        var served = new AiModel { Code = "served", Name = "Served", Vendor = "v", Family = "f", Status = ModelStatus.OnSale };
        db.AddRange(pool, served, new AiModel { Code = "orphan", Name = "Orphan", Vendor = "v", Family = "f", Status = ModelStatus.OnSale });
        db.SaveChanges();
        db.Deployments.Add(new Deployment { ModelId = served.Id, PoolId = pool.Id, AllocatedTokensPerSecond = 800, Role = DeploymentRole.Primary });
        db.UsageRollups.Add(new UsageRollup
        {
            Hour = now.UtcDateTime.AddHours(-1), RegionCode = "CN-GD", IndustryCode = "finance", ModelId = served.Id, PackageId = 1, PoolId = pool.Id,
            InputTokens = 1_000_000, OutputTokens = 2_420_000, Calls = 1,   // 3,420,000 / 3,600 = 950 tokens/s
        });
        db.SaveChanges();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _database.Dispose();
    }

    [Fact]
    public async Task The_bell_counts_the_alerts_and_its_menu_lists_each_linking_to_the_capacity_page()
    {
        SignInAs(Roles.Executive);
        // The open menu renders in the popover provider, as in the layout.
        var popovers = Render<MudBlazor.MudPopoverProvider>();
        var bell = Render<ComputeAlertBell>();
        bell.WaitForAssertion(() => Assert.Equal("2", bell.Find(".mud-badge").TextContent.Trim()));

        await bell.Find("[data-testid='alert-bell'] button").ClickAsync(new());
        var items = popovers.WaitForElements("[data-testid='alert-item']");
        Assert.Equal(2, items.Count);
        Assert.Equal(
            ["Busy peaked at 95.0% of its capacity in the last 24 hours.", "Orphan is on sale without a primary deployment on an online pool."],
            items.Select(i => i.TextContent.Trim()));
        Assert.All(items, i => Assert.Equal("/compute/capacity", i.GetAttribute("href")));
    }

    [Fact]
    public void The_bell_reads_in_Chinese()
    {
        UseCulture("zh-CN");
        SignInAs(Roles.Operations);
        var popovers = Render<MudBlazor.MudPopoverProvider>();
        var bell = Render<ComputeAlertBell>();
        bell.WaitForAssertion(() => Assert.Equal("2", bell.Find(".mud-badge").TextContent.Trim()));
        bell.Find("[data-testid='alert-bell'] button").Click();
        Assert.Contains("繁忙池在过去 24 小时内峰值达到容量的 95.0%。", popovers.WaitForElements("[data-testid='alert-item']").Select(i => i.TextContent.Trim()));
    }

    [Fact]
    public void No_one_signed_out_sees_a_bell()
    {
        var bell = Render<ComputeAlertBell>();
        Assert.Empty(bell.FindAll("[data-testid='alert-bell']"));
    }
}
