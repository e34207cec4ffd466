using TokenConsole.Data;

namespace TokenConsole.Features.Catalog;

/// <summary>
/// What the designer edits: the terms of one draft version (and, until the package has been sold, its code and segment).
/// <see cref="VersionToken"/> and <see cref="PackageToken"/> are the concurrency tokens read with it, sent back on save.
/// </summary>
public sealed class PackageForm
{
    public int? PackageId { get; set; }
    /// <summary>The draft being edited, or null for a new package or a new version of a package on sale.</summary>
    public int? VersionId { get; set; }
    public int VersionNumber { get; set; } = 1;
    public uint VersionToken { get; set; }
    public uint PackageToken { get; set; }
    /// <summary>Code and segment are fixed once a version has been on sale: subscriptions and reports refer to them.</summary>
    public bool CodeLocked { get; set; }

    public string Code { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string Description { get; set; } = "";
    public CustomerSegment Segment { get; set; } = CustomerSegment.Sme;
    /// <summary>Chosen when the package is created and fixed after: subscriptions hold base packages, top-up packs are sold on top.</summary>
    public PackageKind Kind { get; set; } = PackageKind.Base;
    public IReadOnlyCollection<string> Tags { get; set; } = [];
    public BillingPeriod BillingPeriod { get; set; } = BillingPeriod.Monthly;
    public int ValidityDays { get; set; } = 30;

    public decimal PriceCny { get; set; }
    public long IncludedTokens { get; set; }
    public decimal OveragePricePerMTok { get; set; }
    /// <summary>0: none; otherwise the share (1–100 %) of the period's allowance that may be carried, unused, into the next period.</summary>
    public int RolloverPercent { get; set; }
    public ExhaustionPolicy WhenExhausted { get; set; } = ExhaustionPolicy.PayAsYouGo;
    public TierModel TierModel { get; set; } = TierModel.Graduated;
    public List<TierRow> Tiers { get; set; } = [];
    public List<EntitlementRow> Entitlements { get; set; } = [];

    public int ConcurrencyLimit { get; set; } = 10;
    public long TokensPerMinuteLimit { get; set; } = 100_000;
    public decimal SlaPercent { get; set; } = 99.9m;

    /// <summary>What a million included tokens cost the customer.</summary>
    public decimal UnitPricePerMTok => IncludedTokens <= 0 ? 0 : PriceCny / IncludedTokens * 1_000_000m;

    public static PackageForm From(TokenPackage package, PackageVersion version, bool asNewVersion)
    {
        var tiers = version.Tiers.OrderBy(t => t.FromTokens).ToList();
        return new PackageForm
        {
            PackageId = package.Id,
            VersionId = asNewVersion ? null : version.Id,
            VersionNumber = asNewVersion ? package.Versions.Max(v => v.Number) + 1 : version.Number,
            VersionToken = version.Version,
            PackageToken = package.Version,
            CodeLocked = package.ActiveVersionId is not null || package.Versions.Any(v => v.PublishedAt is not null),
            Code = package.Code, Segment = package.Segment, Kind = package.Kind,
            NameEn = version.NameEn, NameZh = version.NameZh, Description = version.Description,
            Tags = SplitTags(version.Tags), BillingPeriod = version.BillingPeriod, ValidityDays = version.ValidityDays,
            PriceCny = version.PriceCny, IncludedTokens = version.IncludedTokens, OveragePricePerMTok = version.OveragePricePerMTok,
            RolloverPercent = version.RolloverPercent, WhenExhausted = version.WhenExhausted,
            TierModel = version.TierModel,
            Tiers = [.. tiers.Select((t, i) => new TierRow { FromTokens = t.FromTokens, ToTokens = i + 1 < tiers.Count ? tiers[i + 1].FromTokens : null, PricePerMTok = t.PricePerMTok })],
            Entitlements = [.. version.Entitlements.OrderBy(e => e.ModelId).Select(e => new EntitlementRow { ModelId = e.ModelId, Multiplier = e.Multiplier })],
            ConcurrencyLimit = version.ConcurrencyLimit, TokensPerMinuteLimit = version.TokensPerMinuteLimit, SlaPercent = version.SlaPercent,
        };
    }

    /// <summary>Writes the terms into a version (tiers and entitlements replaced).</summary>
    public void ApplyTo(PackageVersion version)
    {
        version.NameEn = NameEn.Trim();
        version.NameZh = NameZh.Trim();
        version.Description = Description.Trim();
        version.Tags = string.Join(',', Tags.Order(StringComparer.Ordinal));
        version.BillingPeriod = BillingPeriod;
        version.ValidityDays = ValidityDays;
        version.PriceCny = PriceCny;
        version.IncludedTokens = IncludedTokens;
        version.OveragePricePerMTok = OveragePricePerMTok;
        version.RolloverPercent = RolloverPercent;
        version.WhenExhausted = WhenExhausted;
        version.TierModel = TierModel;
        version.Tiers = [.. Tiers.Select(t => new VolumeTier { FromTokens = t.FromTokens, PricePerMTok = t.PricePerMTok })];
        version.Entitlements = [.. Entitlements.Select(e => new ModelEntitlement { ModelId = e.ModelId, Multiplier = e.Multiplier })];
        version.ConcurrencyLimit = ConcurrencyLimit;
        version.TokensPerMinuteLimit = TokensPerMinuteLimit;
        version.SlaPercent = SlaPercent;
    }

    public static string[] SplitTags(string tags) => tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A volume tier as the designer shows it: a range of overage tokens and its price.</summary>
public sealed class TierRow
{
    public long FromTokens { get; set; }
    /// <summary>Where the next tier starts; empty on the last tier (no upper bound).</summary>
    public long? ToTokens { get; set; }
    public decimal PricePerMTok { get; set; }
}

public sealed class EntitlementRow
{
    public int ModelId { get; set; }
    public decimal Multiplier { get; set; } = 1m;
}
