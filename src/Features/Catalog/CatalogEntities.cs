using TokenConsole.Data;

namespace TokenConsole.Features.Catalog;

/// <summary>
/// The lifecycle of a package and of its versions. A package is Draft, InReview, Active or Retired; a version can also be
/// Scheduled (approved, on sale from its effective date) or Superseded (replaced on sale by a newer version).
/// </summary>
public enum PackageStatus { Draft, InReview, Active, Retired, Scheduled, Superseded }
public enum BillingPeriod { OneOff, Monthly, Annual }
public enum TierModel { Graduated, Volume }

/// <summary>The product: a token package. Its sellable terms live in immutable published versions.</summary>
public class TokenPackage
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public CustomerSegment Segment { get; set; }
    public PackageStatus Status { get; set; }
    /// <summary>The version currently on sale (null until first activation).</summary>
    public int? ActiveVersionId { get; set; }
    public PackageVersion? ActiveVersion { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<PackageVersion> Versions { get; set; } = [];
    public uint Version { get; set; }
}

public class PackageVersion
{
    public int Id { get; set; }
    public int PackageId { get; set; }
    public TokenPackage? Package { get; set; }
    public int Number { get; set; }
    public PackageStatus Status { get; set; }
    public required string NameEn { get; set; }
    public required string NameZh { get; set; }
    public string Description { get; set; } = "";
    /// <summary>Industry codes and scenario tags, comma separated.</summary>
    public string Tags { get; set; } = "";
    public BillingPeriod BillingPeriod { get; set; }
    public int ValidityDays { get; set; }
    public decimal PriceCny { get; set; }
    public long IncludedTokens { get; set; }
    public decimal OveragePricePerMTok { get; set; }
    public TierModel TierModel { get; set; }
    public List<VolumeTier> Tiers { get; set; } = [];
    public List<ModelEntitlement> Entitlements { get; set; } = [];
    public int ConcurrencyLimit { get; set; }
    public long TokensPerMinuteLimit { get; set; }
    /// <summary>Availability promised, e.g. 99.9.</summary>
    public decimal SlaPercent { get; set; }
    public DateTimeOffset? EffectiveFrom { get; set; }
    public DateTimeOffset? EffectiveTo { get; set; }
    /// <summary>Who approved (activated or scheduled) the version, and when.</summary>
    public string? PublishedBy { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    /// <summary>The author of this version: the one person who may not approve it.</summary>
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string? SubmittedBy { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public uint Version { get; set; }

    /// <summary>Price per million included tokens: what the customer pays per token inside the package.</summary>
    public decimal UnitPricePerMTok => IncludedTokens == 0 ? 0 : PriceCny / IncludedTokens * 1_000_000m;

    public string Name(bool chinese) => chinese ? NameZh : NameEn;
}

/// <summary>A volume tier: tokens above <see cref="FromTokens"/> in the period cost <see cref="PricePerMTok"/>.</summary>
public class VolumeTier
{
    public int Id { get; set; }
    public int PackageVersionId { get; set; }
    public long FromTokens { get; set; }
    public decimal PricePerMTok { get; set; }
}

/// <summary>A model a package may use; a premium model consumes <see cref="Multiplier"/> tokens per token.</summary>
public class ModelEntitlement
{
    public int Id { get; set; }
    public int PackageVersionId { get; set; }
    public int ModelId { get; set; }
    public decimal Multiplier { get; set; } = 1m;
}
