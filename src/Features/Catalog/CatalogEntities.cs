using TokenConsole.Data;
using TokenConsole.Data.Writes;

namespace TokenConsole.Features.Catalog;

/// <summary>
/// The lifecycle of a package and of its versions. A package is Draft, InReview, Active or Retired; a version can also be
/// Scheduled (approved, on sale from its effective date) or Superseded (replaced on sale by a newer version).
/// </summary>
public enum PackageStatus { Draft, InReview, Active, Retired, Scheduled, Superseded }
public enum BillingPeriod { OneOff, Monthly, Annual }
public enum TierModel { Graduated, Volume }

/// <summary>A base package is subscribed to; a top-up pack (加油包) is bought on top of one: N tokens for D days, once.</summary>
public enum PackageKind { Base, TopUp }

/// <summary>What happens when a subscription's buckets are empty: charge at the overage price, or refuse (and flag what still arrives).</summary>
public enum ExhaustionPolicy { PayAsYouGo, StopAtLimit }

/// <summary>The product: a token package. Its sellable terms live in immutable published versions.</summary>
public class TokenPackage
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public CustomerSegment Segment { get; set; }
    /// <summary>Fixed when the package is created: a base package or a top-up pack.</summary>
    public PackageKind Kind { get; set; }
    public PackageStatus Status { get; set; }
    /// <summary>The version currently on sale (null until first activation).</summary>
    public int? ActiveVersionId { get; set; }
    public PackageVersion? ActiveVersion { get; set; }
    public required string CreatedBy { get; set; }
    public string? CreatedById { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<PackageVersion> Versions { get; set; } = [];
    public uint Version { get; set; }

    /// <summary>Puts a version on sale: the one selling until now is superseded from the same instant.</summary>
    public void Publish(PackageVersion version, DateTimeOffset effectiveFrom)
    {
        foreach (var previous in Versions.Where(v => v.Status == PackageStatus.Active && v.Id != version.Id))
        {
            previous.Status = PackageStatus.Superseded;
            previous.EffectiveTo = effectiveFrom;
        }
        version.Status = PackageStatus.Active;
        version.EffectiveFrom = effectiveFrom;
        ActiveVersionId = version.Id;
        Status = PackageStatus.Active;
    }

    /// <summary>Active → Retired: no new subscriptions from now on; existing ones run on untouched until they end.</summary>
    public Refusal? Retire(DateTimeOffset now)
    {
        if (Status != PackageStatus.Active)
        {
            return new Refusal("Only a package on sale can be retired.");
        }
        Status = PackageStatus.Retired;
        foreach (var version in Versions.Where(v => v.Status is PackageStatus.Active or PackageStatus.Draft or PackageStatus.InReview or PackageStatus.Scheduled))
        {
            if (version.Status == PackageStatus.Active)
            {
                version.EffectiveTo = now;
            }
            version.Status = PackageStatus.Retired;
        }
        return null;
    }
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
    /// <summary>Billable tokens included per billing period (a top-up pack: the tokens it adds, valid <see cref="ValidityDays"/>).</summary>
    public long IncludedTokens { get; set; }
    public decimal OveragePricePerMTok { get; set; }
    /// <summary>0: no rollover. Otherwise unused allowance is carried into the next period only, capped at this percentage of the allowance.</summary>
    public int RolloverPercent { get; set; }
    public ExhaustionPolicy WhenExhausted { get; set; }
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
    /// <summary>The author's stable id (see <see cref="Actor"/>): what maker–checker compares; the name is for display.</summary>
    public string? CreatedById { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? SubmittedBy { get; set; }
    public string? SubmittedById { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public uint Version { get; set; }

    /// <summary>Whether the actor wrote or submitted this version: then they may not approve it.</summary>
    public bool IsAuthoredBy(Actor actor) => actor.Is(CreatedById) || actor.Is(SubmittedById);

    /// <summary>Draft → In review. The draft is frozen from here on.</summary>
    public Refusal? Submit(TokenPackage package, Actor actor, DateTimeOffset now)
    {
        if (Status != PackageStatus.Draft)
        {
            return new Refusal("Only a draft can be submitted for review.");
        }
        Status = PackageStatus.InReview;
        SubmittedBy = actor.Name;
        SubmittedById = actor.Id;
        SubmittedAt = now;
        if (package.ActiveVersionId is null)
        {
            package.Status = PackageStatus.InReview;
        }
        return null;
    }

    /// <summary>In review (or scheduled) → Draft: a reviewer sends it back, or the author takes it back to change it.</summary>
    public Refusal? ReturnToDraft(TokenPackage package)
    {
        if (Status is not (PackageStatus.InReview or PackageStatus.Scheduled))
        {
            return new Refusal("Only a version in review or scheduled can be returned to draft.");
        }
        Status = PackageStatus.Draft;
        SubmittedBy = null;
        SubmittedById = null;
        SubmittedAt = null;
        PublishedBy = null;
        PublishedAt = null;
        EffectiveFrom = null;
        if (package.ActiveVersionId is null)
        {
            package.Status = PackageStatus.Draft;
        }
        return null;
    }

    /// <summary>
    /// In review → Active now, or Scheduled for a future <paramref name="effectiveFrom"/>. Never by its author or submitter.
    /// </summary>
    public Refusal? Approve(TokenPackage package, Actor actor, DateTimeOffset now, DateTimeOffset? effectiveFrom)
    {
        if (Status != PackageStatus.InReview)
        {
            return new Refusal("Only a version in review can be activated.");
        }
        if (IsAuthoredBy(actor))
        {
            return new Refusal("You wrote this version: an executive or another product manager must activate it.");
        }
        if (package.Status == PackageStatus.Retired)
        {
            return new Refusal("A retired package cannot be activated.");
        }
        PublishedBy = actor.Name;
        PublishedAt = now;
        if (effectiveFrom is { } at && at > now)
        {
            Status = PackageStatus.Scheduled;
            EffectiveFrom = at;
        }
        else
        {
            package.Publish(this, now);
        }
        return null;
    }

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
