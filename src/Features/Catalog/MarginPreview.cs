using TokenConsole.Data;
using TokenConsole.Features.Compute;

namespace TokenConsole.Features.Catalog;

public sealed record MarginModelLine(int ModelId, string Name, decimal Weight, decimal Multiplier, decimal CostPerMTok);

/// <summary>The expected margin of a package on its included tokens.</summary>
public sealed record MarginPreview(decimal ComputeCost, decimal GrossMargin, double? MarginRatio, decimal CostPerMTok, double InputShare,
    bool BelowThreshold, IReadOnlyList<MarginModelLine> Lines);

/// <summary>One rung of the price ladder of a segment: a package, its size and what a million of its tokens cost.</summary>
public sealed record LadderRung(int? PackageId, string Code, string NameEn, string NameZh, long IncludedTokens, decimal UnitPricePerMTok, bool IsThis);

public sealed record LadderIssue(string Key, string OtherCode);

/// <summary>
/// The compute cost behind a package. Customers spread the included tokens over the entitled models as they spread their
/// recent traffic over them (equally when there is none yet); a premium model with multiplier m counts m tokens against
/// the package per token served, so it costs 1/m per counted token. Each model's cost mixes its input and output prices
/// with the input share of recent usage, which the designer shows and lets the product manager change.
/// </summary>
public static class MarginCalculator
{
    /// <summary>When there is no recent usage to learn from: chat traffic is mostly prompt.</summary>
    public const double DefaultInputShare = 0.75;

    public static double RecentInputShare(IEnumerable<EntitlementRow> entitlements, IReadOnlyDictionary<int, ModelInfo> models)
    {
        long input = 0, total = 0;
        foreach (var e in entitlements)
        {
            if (models.TryGetValue(e.ModelId, out var m))
            {
                input += m.RecentInputTokens;
                total += m.RecentTokens;
            }
        }
        return total == 0 ? DefaultInputShare : (double)input / total;
    }

    public static MarginPreview Compute(PackageForm form, IReadOnlyDictionary<int, ModelInfo> models, double inputShare, double threshold)
    {
        inputShare = Math.Clamp(inputShare, 0, 1);
        var entitled = form.Entitlements
            .Where(e => e.Multiplier > 0 && models.TryGetValue(e.ModelId, out var m) && m.Status != ModelStatus.Withdrawn)
            .DistinctBy(e => e.ModelId)
            .Select(e => (Entitlement: e, Model: models[e.ModelId]))
            .ToList();
        var recent = entitled.Sum(x => (decimal)x.Model.RecentTokens);
        var lines = entitled.Select(x =>
        {
            // The weights multiply money: decimal, so that the cost is not computed through a double.
            var weight = recent > 0 ? x.Model.RecentTokens / recent : 1m / entitled.Count;
            var perToken = (decimal)inputShare * x.Model.InputCostPerMTok + (1 - (decimal)inputShare) * x.Model.OutputCostPerMTok;
            return new MarginModelLine(x.Model.Id, x.Model.Name, weight, x.Entitlement.Multiplier, perToken / x.Entitlement.Multiplier);
        }).ToList();
        var costPerMTok = lines.Sum(l => l.Weight * l.CostPerMTok);
        var cost = Money.ToFen(costPerMTok * form.IncludedTokens / 1_000_000m);
        var margin = form.PriceCny - cost;
        double? ratio = form.PriceCny > 0 ? (double)(margin / form.PriceCny) : null;
        return new MarginPreview(cost, margin, ratio, costPerMTok, inputShare, ratio is { } r && r < threshold, lines);
    }

    /// <summary>
    /// This package among the active packages of its segment, smallest first, and the rungs it breaks: a bigger package
    /// must not cost more per token than a smaller one.
    /// </summary>
    public static (IReadOnlyList<LadderRung> Rungs, IReadOnlyList<LadderIssue> Issues) Ladder(PackageForm form, IEnumerable<LadderRung> others)
    {
        var me = new LadderRung(form.PackageId, form.Code, form.NameEn, form.NameZh, form.IncludedTokens, form.UnitPricePerMTok, true);
        var rest = others.Where(o => o.PackageId != form.PackageId).ToList();
        var issues = new List<LadderIssue>();
        if (form.IncludedTokens > 0 && form.PriceCny > 0)
        {
            foreach (var other in rest.OrderBy(o => o.IncludedTokens))
            {
                if (other.IncludedTokens < me.IncludedTokens && other.UnitPricePerMTok < Round(me.UnitPricePerMTok))
                {
                    issues.Add(new LadderIssue("Bigger than {0} but costs more per token.", other.Code));
                }
                else if (other.IncludedTokens > me.IncludedTokens && other.UnitPricePerMTok > Round(me.UnitPricePerMTok))
                {
                    issues.Add(new LadderIssue("Smaller than {0} but cheaper per token: the bigger package would cost more per token.", other.Code));
                }
            }
        }
        return ([.. rest.Append(me).OrderBy(r => r.IncludedTokens).ThenBy(r => r.Code, StringComparer.Ordinal)], issues);
    }

    private static decimal Round(decimal value) => Math.Round(value, 4);
}

public sealed class CatalogOptions
{
    /// <summary>Below this gross margin on the included tokens the designer warns (0.30 = 30 %).</summary>
    public double MarginWarningThreshold { get; set; } = 0.30;
    /// <summary>How often scheduled activations are checked.</summary>
    public TimeSpan ActivationCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
