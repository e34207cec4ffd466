using TokenConsole.Features.Compute;
using static TokenConsole.Tests.Compute.ComputeTestBed;

namespace TokenConsole.Tests.Compute;

/// <summary>The impact of a pool status change, on the test bed's known traffic (numbers worked out in <see cref="ComputeTestBed"/>).</summary>
public sealed class PoolImpactTests : IDisposable
{
    private readonly ComputeTestBed _bed = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Draining_pool_A_moves_its_peak_load_to_the_deployments_PoolRouter_would_use_and_checks_their_room()
    {
        var impact = await _bed.Edit.ImpactOfAsync(A, PoolStatus.Draining, Ct);

        // A served 1,440,000 of 2,520,000 tokens in the last 24 hours (the 10M-token rollup of 30 hours ago is out).
        Assert.Equal(1_440_000, impact.PoolTokens);
        Assert.Equal(2_520_000, impact.TotalTokens);
        Assert.Equal(4.0 / 7, impact.ShareOfTraffic, 9);
        Assert.Equal(300, impact.PoolPeakTokensPerSecond, 9);

        Assert.Equal(["m-one", "m-two"], impact.Models.Select(m => m.Code));
        var one = impact.Models[0];
        Assert.Equal(1_080_000, one.Tokens);
        Assert.Equal(0.5, one.ShareOfModel, 9);
        // Three quarters of A's tokens were One's: 225 of its 300 tokens/s peak move.
        Assert.Equal(225, one.MovingTokensPerSecond, 9);
        Assert.False(one.LeftWithoutPrimary);
        var toB = Assert.Single(one.Takeovers);
        Assert.Equal((B, DeploymentRole.Primary, 1.0, 225.0), (toB.PoolId, toB.Role, toB.Share, toB.IncomingTokensPerSecond));

        var two = impact.Models[1];
        Assert.Equal(1.0, two.ShareOfModel, 9);
        Assert.Equal(75, two.MovingTokensPerSecond, 9);
        Assert.True(two.LeftWithoutPrimary);
        var toC = Assert.Single(two.Takeovers);
        Assert.Equal((C, DeploymentRole.Failover, 1.0, 75.0), (toC.PoolId, toC.Role, toC.Share, toC.IncomingTokensPerSecond));
        Assert.Equal(["M Two"], impact.ModelsWithoutPrimary.Select(m => m.Name));

        // B: 500 capacity − 300 peak = 200 of room for 225 incoming; C: 300 of room for 75.
        Assert.Equal(["pool-b", "pool-c"], impact.Takeovers.Select(t => t.PoolCode));
        var b = impact.Takeovers[0];
        Assert.Equal((200.0, 225.0, false), (b.RoomTokensPerSecond, b.IncomingTokensPerSecond, b.HasRoom));
        var c = impact.Takeovers[1];
        Assert.Equal((300.0, 75.0, true), (c.RoomTokensPerSecond, c.IncomingTokensPerSecond, c.HasRoom));
    }

    [Fact]
    public async Task Draining_pool_B_sends_model_One_back_to_A_with_room_to_spare()
    {
        var impact = await _bed.Edit.ImpactOfAsync(B, PoolStatus.Maintenance, Ct);

        Assert.Equal(3.0 / 7, impact.ShareOfTraffic, 9);
        var one = Assert.Single(impact.Models);
        Assert.Equal(300, one.MovingTokensPerSecond, 9);
        Assert.Empty(impact.ModelsWithoutPrimary);
        var a = Assert.Single(impact.Takeovers);
        // A: 1,000 − its own 300 peak = 700 of room for 300 incoming.
        Assert.Equal((A, 700.0, 300.0, true), (a.PoolId, a.RoomTokensPerSecond, a.IncomingTokensPerSecond, a.HasRoom));
    }

    [Fact]
    public async Task Bringing_a_pool_online_moves_nothing()
    {
        var impact = await _bed.Edit.ImpactOfAsync(C, PoolStatus.Online, Ct);

        Assert.All(impact.Models, m => Assert.Equal(0, m.MovingTokensPerSecond));
        Assert.Empty(impact.Takeovers);
        Assert.Empty(impact.ModelsWithoutPrimary);
    }

    [Fact]
    public async Task The_matrix_flags_models_without_a_failover_elsewhere_and_deployments_outside_government_regions()
    {
        var matrix = await _bed.Edit.MatrixAsync(Ct);

        // One: primaries in Guangdong and Guangxi, no failover. Two: primary in Guangdong, failover in Inner Mongolia.
        Assert.Equal([One], matrix.ModelsWithoutRemoteFailover);
        // GOV-PACK (a Guangdong government customer) entitles Two: its deployment in Inner Mongolia leaves the province.
        var conflict = Assert.Single(matrix.ResidencyConflicts);
        Assert.Equal((await _bed.DeploymentAsync(Two, C)).Id, conflict.Key);
        Assert.Equal(["CN-GD"], conflict.Value);
        Assert.Equal(600, matrix.AllocatedByPool[A]);
        Assert.Equal(200, matrix.FreeOn(matrix.Pools.Single(p => p.Id == B)));
    }

    [Fact]
    public async Task The_routing_preview_is_PoolRouter_shares_and_failover_order()
    {
        var fromGuangdong = await _bed.Edit.RoutePreviewAsync(One, "CN-GD", Ct);
        // Same region ×4 against same macro-region ×2, equal weights: two thirds to A.
        Assert.Equal(["pool-a", "pool-b"], fromGuangdong.Serving.Select(s => s.Pool.Code));
        Assert.Equal(2.0 / 3, fromGuangdong.Serving[0].Share, 9);
        Assert.Equal(1.0 / 3, fromGuangdong.Serving[1].Share, 9);
        Assert.Empty(fromGuangdong.Failovers);

        var two = await _bed.Edit.RoutePreviewAsync(Two, "CN-NM", Ct);
        Assert.Equal("pool-a", Assert.Single(two.Serving).Pool.Code);
        Assert.Equal(["pool-c"], two.Failovers.Select(p => p.Code));
    }
}
