using TokenConsole.Data;
using TokenConsole.Features.Compute;

namespace TokenConsole.Tests.Compute;

public sealed class PoolRouterTests
{
    private static readonly Region[] Regions =
    [
        new() { Code = "CN-GD", NameEn = "Guangdong", NameZh = "广东", MacroRegion = MacroRegion.SouthCentral },
        new() { Code = "CN-GX", NameEn = "Guangxi", NameZh = "广西", MacroRegion = MacroRegion.SouthCentral },
        new() { Code = "CN-NM", NameEn = "Inner Mongolia", NameZh = "内蒙古", MacroRegion = MacroRegion.North },
    ];

    private static ComputePool Pool(int id, string region, PoolStatus status = PoolStatus.Online) =>
        new() { Id = id, Code = $"p{id}", Name = $"p{id}", NameZh = $"p{id}", RegionCode = region, AcceleratorKind = "x", Status = status, CapacityTokensPerSecond = 100 };

    [Fact]
    public void Traffic_prefers_the_customer_region_then_its_macro_region_by_weight()
    {
        var pools = new[] { Pool(1, "CN-GD"), Pool(2, "CN-NM") }.ToDictionary(p => p.Id);
        var deployments = new[]
        {
            new Deployment { ModelId = 7, PoolId = 1, RoutingWeight = 50, Role = DeploymentRole.Primary },
            new Deployment { ModelId = 7, PoolId = 2, RoutingWeight = 50, Role = DeploymentRole.Primary },
        };
        var router = new PoolRouter(deployments, pools, Regions);
        // Same region ×4 against another macro-region ×1: Guangdong sends 80 % to pool 1.
        Assert.Equal(1, router.Route(7, "CN-GD", 0.79));
        Assert.Equal(2, router.Route(7, "CN-GD", 0.81));
        // Guangxi shares Guangdong's macro-region (×2 against ×1): two thirds to pool 1.
        Assert.Equal(1, router.Route(7, "CN-GX", 0.66));
        Assert.Equal(2, router.Route(7, "CN-GX", 0.67));
    }

    [Fact]
    public void Failovers_serve_only_when_no_primary_is_online_and_offline_pools_never()
    {
        var pools = new[] { Pool(1, "CN-GD", PoolStatus.Maintenance), Pool(2, "CN-NM"), Pool(3, "CN-GX", PoolStatus.Offline) }.ToDictionary(p => p.Id);
        var deployments = new[]
        {
            new Deployment { ModelId = 7, PoolId = 1, RoutingWeight = 90, Role = DeploymentRole.Primary },
            new Deployment { ModelId = 7, PoolId = 2, RoutingWeight = 10, Role = DeploymentRole.Failover },
            new Deployment { ModelId = 8, PoolId = 3, RoutingWeight = 10, Role = DeploymentRole.Primary },
        };
        var router = new PoolRouter(deployments, pools, Regions);
        Assert.Equal(2, router.Route(7, "CN-GD", 0.1));
        Assert.Null(router.Route(8, "CN-GD", 0.1));
        Assert.Null(router.Route(99, "CN-GD", 0.1));
    }
}
