using TokenConsole.Data;

namespace TokenConsole.Features.Catalog;

/// <summary>
/// A version's terms as plain values: what the audit log records before and after a change, and what the version
/// comparison lines up field by field.
/// </summary>
public sealed record PackageTerms(
    int VersionId, int Number, PackageStatus Status, string Code, CustomerSegment Segment, PackageKind Kind, string NameEn, string NameZh, string Description, string Tags,
    BillingPeriod BillingPeriod, int ValidityDays, decimal PriceCny, long IncludedTokens, decimal OveragePricePerMTok, int RolloverPercent,
    ExhaustionPolicy WhenExhausted, TierModel TierModel,
    IReadOnlyList<string> Tiers, IReadOnlyList<string> Entitlements, int ConcurrencyLimit, long TokensPerMinuteLimit, decimal SlaPercent,
    DateTimeOffset? EffectiveFrom, DateTimeOffset? EffectiveTo, string CreatedBy, string? PublishedBy)
{
    public static PackageTerms Of(TokenPackage package, PackageVersion v, IReadOnlyDictionary<int, string> modelNames) => new(
        v.Id, v.Number, v.Status, package.Code, package.Segment, package.Kind, v.NameEn, v.NameZh, v.Description, v.Tags, v.BillingPeriod, v.ValidityDays,
        v.PriceCny, v.IncludedTokens, v.OveragePricePerMTok, v.RolloverPercent, v.WhenExhausted, v.TierModel,
        [.. v.Tiers.OrderBy(t => t.FromTokens).Select(t => $"{t.FromTokens:#,0}+ @ {t.PricePerMTok:0.00}")],
        [.. v.Entitlements.OrderBy(e => modelNames.GetValueOrDefault(e.ModelId, ""), StringComparer.Ordinal)
            .Select(e => $"{modelNames.GetValueOrDefault(e.ModelId, e.ModelId.ToString(System.Globalization.CultureInfo.InvariantCulture))} ×{e.Multiplier:0.##}")],
        v.ConcurrencyLimit, v.TokensPerMinuteLimit, v.SlaPercent, v.EffectiveFrom, v.EffectiveTo, v.CreatedBy, v.PublishedBy);
}
