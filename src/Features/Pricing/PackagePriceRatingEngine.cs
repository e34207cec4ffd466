namespace TokenConsole.Features.Pricing;

/// <summary>
/// Rating before any price rule: tokens inside the package's monthly allowance at its unit price, tokens beyond it at
/// the overage price, both times the model's entitlement multiplier; cost from the model's compute cost.
/// An event for a package or model the price book does not know earns and costs nothing (ingestion rejects those first).
/// </summary>
public sealed class PackagePriceRatingEngine(PriceBookProvider priceBook) : IRatingEngine
{
    public Rating Rate(in UsageContext context) => RateBase(priceBook.Current, context, out _);

    /// <summary>The base rating; <paramref name="billableTokens"/> = tokens × the entitlement multiplier (what rules price per million).</summary>
    public static Rating RateBase(PriceBook book, in UsageContext context, out double billableTokens)
    {
        var cost = book.Models.TryGetValue(context.ModelId, out var model)
            ? context.InputTokens / 1e6 * model.InputPerMTok + context.OutputTokens / 1e6 * model.OutputPerMTok
            : 0;
        if (!book.Packages.TryGetValue(context.PackageId, out var package))
        {
            billableTokens = 0;
            return new Rating(0, 0, cost, 0);
        }
        var multiplier = package.Multipliers.GetValueOrDefault(context.ModelId, 1.0);
        var tokens = (context.InputTokens + context.OutputTokens) * multiplier;
        var allowanceLeft = Math.Max(0, package.IncludedTokensPerMonth - context.CustomerMonthlyTokens);
        var inside = Math.Min(tokens, allowanceLeft);
        var revenue = inside / 1e6 * package.UnitPricePerMTok + (tokens - inside) / 1e6 * package.OveragePricePerMTok;
        billableTokens = tokens;
        return new Rating(revenue, revenue, cost, 0);
    }
}
