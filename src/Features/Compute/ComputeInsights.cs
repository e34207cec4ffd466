namespace TokenConsole.Features.Compute;

/// <summary>What a pool status change does, computed by <see cref="ComputeEditService.ImpactOfAsync"/> over the last 24 hours of rollups.</summary>
public sealed record PoolStatusImpact(
    int PoolId, string PoolCode, PoolStatus From, PoolStatus To,
    long PoolTokens, long TotalTokens, double PoolPeakTokensPerSecond,
    IReadOnlyList<ModelImpact> Models, IReadOnlyList<TakeoverPool> Takeovers)
{
    /// <summary>The pool's part of all tokens served in the window.</summary>
    public double ShareOfTraffic => TotalTokens == 0 ? 0 : (double)PoolTokens / TotalTokens;

    /// <summary>Models on sale left without a primary deployment on an online pool.</summary>
    public IReadOnlyList<ModelImpact> ModelsWithoutPrimary => [.. Models.Where(m => m.LeftWithoutPrimary)];

    /// <summary>Whether the change takes the pool out of routing (and so moves its load).</summary>
    public bool TakesOutOfService => From == PoolStatus.Online && To != PoolStatus.Online;
}

/// <param name="Tokens">Tokens of the model the pool served in the window.</param>
/// <param name="ShareOfModel">The pool's part of the model's tokens.</param>
/// <param name="MovingTokensPerSecond">The model's part of the pool's peak hour, which the other deployments must absorb.</param>
/// <param name="LeftWithoutPrimary">An on-sale model with no other primary deployment on an online pool.</param>
public sealed record ModelImpact(int ModelId, string Code, string Name, ModelStatus Status, long Tokens, double ShareOfModel,
    double MovingTokensPerSecond, bool LeftWithoutPrimary, IReadOnlyList<Takeover> Takeovers);

/// <summary>A deployment that takes over part of a model's traffic, in PoolRouter's order, with its share of it.</summary>
public sealed record Takeover(int PoolId, string PoolCode, DeploymentRole Role, double Share, double IncomingTokensPerSecond);

/// <summary>A pool that receives load: its room is its capacity minus its own peak of the window.</summary>
public sealed record TakeoverPool(int PoolId, string PoolCode, long CapacityTokensPerSecond, double PeakTokensPerSecond, double IncomingTokensPerSecond)
{
    public double RoomTokensPerSecond => CapacityTokensPerSecond - PeakTokensPerSecond;
    public bool HasRoom => IncomingTokensPerSecond <= RoomTokensPerSecond;
}

/// <summary>The model × pool matrix with its warnings.</summary>
public sealed record ComputeMatrix(
    IReadOnlyList<AiModel> Models, IReadOnlyList<ComputePool> Pools, IReadOnlyDictionary<(int ModelId, int PoolId), Deployment> Cells,
    IReadOnlyDictionary<int, long> AllocatedByPool, IReadOnlySet<int> ModelsWithoutRemoteFailover,
    IReadOnlyDictionary<int, IReadOnlyCollection<string>> ResidencyConflicts)
{
    public Deployment? At(int modelId, int poolId) => Cells.GetValueOrDefault((modelId, poolId));
    public long FreeOn(ComputePool pool) => pool.CapacityTokensPerSecond - AllocatedByPool.GetValueOrDefault(pool.Id);
}

/// <summary>Where a model's traffic from a customer region goes: the pools' shares, then the failovers in order.</summary>
public sealed record RoutePreview(IReadOnlyList<(ComputePool Pool, DeploymentRole Role, double Share)> Serving, IReadOnlyList<ComputePool> Failovers);

/// <summary>What the cell editor of the matrix needs: the model, the pool, the deployment if any, the room left and the warnings.</summary>
public sealed record DeploymentCell(AiModel Model, ComputePool Pool, Deployment? Deployment, long FreeTokensPerSecond, IReadOnlyList<Data.Region> Regions,
    bool ModelWithoutRemoteFailover, IReadOnlyCollection<string>? ResidencyConflict);
