using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>
/// A usage context to price. The package and the model by id or by code (<c>packageCode</c> <c>IND-FIN</c>,
/// <c>modelCode</c> <c>deepseek-v3</c>, as in usage events); region and industry by code. Times are ISO 8601; tokens
/// and monthly volume are counts. <see cref="BucketRemaining"/>: billable tokens still in the subscription's buckets;
/// without it, the package's allowance less <see cref="CustomerMonthlyTokens"/> (how quotes were asked before buckets).
/// <see cref="CustomerMonthlyTokens"/> is also the monthly volume the price rules' volume scope reads.
/// </summary>
public sealed record QuoteRequest(int? PackageId, int? ModelId, string? RegionCode, string? IndustryCode, string? Segment,
    DateTimeOffset? Timestamp, long? InputTokens, long? OutputTokens, long? CustomerMonthlyTokens, int? CustomerId,
    string? PackageCode = null, string? ModelCode = null, decimal? BucketRemaining = null);

/// <summary>
/// The price (<see cref="Amount"/>, after the rules), the overage at the package's overage price (<see cref="BasePrice"/>)
/// and what the tokens cost in compute, in CNY; <see cref="ModelEntitled"/> is false when the package does not entitle
/// the model, so usage like this would be refused at ingestion. Where the billable tokens went: inside the buckets
/// (free: the fee pays for them), beyond them at the overage price, or beyond a stop-at-limit package's (leakage, zero).
/// </summary>
public sealed record QuoteResponse(decimal Amount, decimal BasePrice, decimal ComputeCost, string Currency, int RuleSetVersion,
    IReadOnlyList<FiredRule> RulesFired, IReadOnlyList<string> RuleErrors, bool ModelEntitled = true,
    decimal BucketTokens = 0, decimal OverageTokens = 0, decimal LeakageTokens = 0);

public static class QuoteEndpoints
{
    public static void MapQuoteEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/pricing/quote", Quote).RequireAuthorization(Policies.Read).DisableAntiforgery().WithName("PricingQuote")
            .WithSummary("Prices a usage context with the active ruleset, explained")
            .WithDescription("Package and model by id or by code; region and industry by code. 400 problem+json naming each field that is missing, unknown or out of range.");
    }

    private static async Task<Results<Ok<QuoteResponse>, ValidationProblem>> Quote(QuoteRequest? request, QuoteService quotes, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON usage context is required."] });
        }

        var (resolved, codeErrors) = await quotes.ResolveCodesAsync(request, cancellationToken);
        if (codeErrors.Count > 0)
        {
            return TypedResults.ValidationProblem(codeErrors, title: "The usage context is not valid.");
        }

        var (context, errors) = quotes.Validate(resolved, clock.GetUtcNow());
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The usage context is not valid.");
        }

        var explained = quotes.Quote(context);
        return TypedResults.Ok(explained);
    }
}

/// <summary>Checks a quote request against the price book and prices it with the rating engine, explained.</summary>
public sealed class QuoteService(PriceBookProvider priceBook, RulesRatingEngine rating, IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public const long MaxTokens = 1_000_000_000_000;

    /// <summary>
    /// Turns a package and a model given by code into their ids, and checks that the region and the industry exist: an
    /// unknown code is an error on its field. A code and an id given together must name the same thing.
    /// </summary>
    public async Task<(QuoteRequest Request, Dictionary<string, string[]> Errors)> ResolveCodesAsync(QuoteRequest r, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        int? packageId = r.PackageId, modelId = r.ModelId;
        if (!string.IsNullOrWhiteSpace(r.PackageCode))
        {
            var code = r.PackageCode.Trim();
            var found = await db.Packages.AsNoTracking().Where(p => p.Code == code && p.ActiveVersionId != null).Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken);
            if (found is null || (packageId is not null && packageId != found))
            {
                errors["packageCode"] = [found is null ? "Unknown package code, or the package is not on sale." : "packageCode and packageId name different packages."];
            }
            packageId = found;
        }
        if (!string.IsNullOrWhiteSpace(r.ModelCode))
        {
            var code = r.ModelCode.Trim();
            var found = await db.Models.AsNoTracking().Where(m => m.Code == code).Select(m => (int?)m.Id).FirstOrDefaultAsync(cancellationToken);
            if (found is null || (modelId is not null && modelId != found))
            {
                errors["modelCode"] = [found is null ? "Unknown model code." : "modelCode and modelId name different models."];
            }
            modelId = found;
        }
        var region = r.RegionCode?.Trim();
        if (!string.IsNullOrEmpty(region) && region.Length <= 16 && !await db.Regions.AnyAsync(x => x.Code == region, cancellationToken))
        {
            errors["regionCode"] = ["Unknown region code (ISO 3166-2:CN, e.g. CN-GD)."];
        }
        var industry = r.IndustryCode?.Trim();
        if (!string.IsNullOrEmpty(industry) && industry.Length <= 32 && !await db.Industries.AnyAsync(x => x.Code == industry, cancellationToken))
        {
            errors["industryCode"] = ["Unknown industry code (e.g. finance)."];
        }
        return (r with { PackageId = packageId, ModelId = modelId }, errors);
    }

    public (UsageContext Context, Dictionary<string, string[]> Errors) Validate(QuoteRequest r, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var book = priceBook.Current;
        if (r.PackageId is not { } package || !book.Packages.ContainsKey(package))
        {
            errors["packageId"] = ["Unknown or inactive package."];
        }

        if (r.ModelId is not { } model || !book.Models.ContainsKey(model))
        {
            errors["modelId"] = ["Unknown model."];
        }

        if (string.IsNullOrWhiteSpace(r.RegionCode) || r.RegionCode.Length > 16)
        {
            errors["regionCode"] = ["A region code such as CN-GD is required."];
        }

        if (string.IsNullOrWhiteSpace(r.IndustryCode) || r.IndustryCode.Length > 32)
        {
            errors["industryCode"] = ["An industry code such as finance is required."];
        }

        var segment = CustomerSegment.LargeEnterprise;
        if (r.Segment is not null && !Enum.TryParse(r.Segment, true, out segment))
        {
            errors["segment"] = [$"Segment must be one of {string.Join(", ", Enum.GetNames<CustomerSegment>())}."];
        }

        if (r.InputTokens is < 0 or > MaxTokens)
        {
            errors["inputTokens"] = ["Input tokens must be between 0 and 10^12."];
        }

        if (r.OutputTokens is < 0 or > MaxTokens)
        {
            errors["outputTokens"] = ["Output tokens must be between 0 and 10^12."];
        }

        if (r.CustomerMonthlyTokens is < 0 or > MaxTokens * 1000)
        {
            errors["customerMonthlyTokens"] = ["The monthly volume cannot be negative."];
        }

        if (r.BucketRemaining is < 0 or > MaxTokens * 1000 || (r.BucketRemaining is { } remaining && !TokenConsoleDbContext.MillionthsConverter.Fits(remaining)))
        {
            errors["bucketRemaining"] = ["The tokens left in the buckets must be between 0 and 10^15, with at most six decimals."];
        }

        if ((r.InputTokens ?? 0) + (r.OutputTokens ?? 0) == 0 && !errors.ContainsKey("inputTokens") && !errors.ContainsKey("outputTokens"))
        {
            errors["inputTokens"] = ["Quote at least one token."];
        }

        var version = book.Packages.GetValueOrDefault(r.PackageId ?? 0);
        // Before buckets a quote gave the month's tokens: the allowance less those is what the buckets would hold.
        var bucketRemaining = r.BucketRemaining ?? Math.Max(0, (version?.IncludedTokens ?? 0) - (r.CustomerMonthlyTokens ?? 0));
        var context = new UsageContext(r.PackageId ?? 0, r.ModelId ?? 0, r.CustomerId ?? 0, r.RegionCode?.Trim() ?? "", r.IndustryCode?.Trim() ?? "", segment,
            r.Timestamp ?? now, r.InputTokens ?? 0, r.OutputTokens ?? 0, r.CustomerMonthlyTokens ?? 0,
            Math.Max(0, bucketRemaining), version?.WhenExhausted ?? Catalog.ExhaustionPolicy.PayAsYouGo, version?.VersionId ?? 0);
        return (context, errors);
    }

    public QuoteResponse Quote(in UsageContext context)
    {
        var explained = rating.Explain(context);
        var r = explained.Rating;
        var entitled = priceBook.Current.Packages.TryGetValue(context.PackageId, out var package) && package.Multipliers.ContainsKey(context.ModelId);
        return new QuoteResponse(r.Revenue, r.BaseRevenue, r.ComputeCost, "CNY", r.RuleSetVersion, explained.Fired, explained.Errors, entitled,
            r.BucketTokens, r.OverageTokens, r.LeakageTokens);
    }
}
