namespace TokenConsole.Features.Compute;

public enum Modality { Text, Speech, Image, Multimodal }
public enum ModelStatus { OnSale, Preview, Withdrawn }
public enum PoolTier { Central, Regional, Edge }
public enum PoolStatus { Online, Maintenance, Draining, Offline }
public enum DeploymentRole { Primary, Failover }

/// <summary>A large model offered for sale, with what it costs the office to run per million tokens.</summary>
public class AiModel
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string Vendor { get; set; }
    public required string Family { get; set; }
    public Modality Modality { get; set; }
    public int ContextWindow { get; set; }
    public ModelStatus Status { get; set; }
    /// <summary>Compute cost in CNY per million input tokens.</summary>
    public decimal InputCostPerMTok { get; set; }
    /// <summary>Compute cost in CNY per million output tokens.</summary>
    public decimal OutputCostPerMTok { get; set; }
    /// <summary>The vendor's public list price (CNY per million input tokens), kept as the reference for the cost.</summary>
    public decimal ListPriceInputPerMTok { get; set; }
    public decimal ListPriceOutputPerMTok { get; set; }
    public uint Version { get; set; }
}

/// <summary>A place where models run: an intelligent-computing centre, a regional cloud pool or an edge node.</summary>
public class ComputePool
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string NameZh { get; set; }
    public required string RegionCode { get; set; }
    public PoolTier Tier { get; set; }
    public required string AcceleratorKind { get; set; }
    public int AcceleratorCount { get; set; }
    public long CapacityTokensPerSecond { get; set; }
    public decimal CostPerHour { get; set; }
    public PoolStatus Status { get; set; }
    public uint Version { get; set; }
}

/// <summary>A model served by a pool: the capacity allocated to it, its routing weight and role.</summary>
public class Deployment
{
    public int Id { get; set; }
    public int ModelId { get; set; }
    public AiModel? Model { get; set; }
    public int PoolId { get; set; }
    public ComputePool? Pool { get; set; }
    public long AllocatedTokensPerSecond { get; set; }
    public int RoutingWeight { get; set; }
    public DeploymentRole Role { get; set; }
    /// <summary>Comma-separated region codes the traffic must stay in, or null when unconstrained.</summary>
    public string? ResidencyRegions { get; set; }
    public uint Version { get; set; }
}
