using Microsoft.AspNetCore.Http.HttpResults;
using TokenConsole.Auth;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>A usage context to price. Times are ISO 8601; tokens and monthly volume are counts.</summary>
public sealed record QuoteRequest(int? PackageId, int? ModelId, string? RegionCode, string? IndustryCode, string? Segment,
    DateTimeOffset? Timestamp, long? InputTokens, long? OutputTokens, long? CustomerMonthlyTokens, int? CustomerId);

public sealed record QuoteResponse(decimal Amount, decimal BasePrice, decimal ComputeCost, string Currency, int RuleSetVersion,
    IReadOnlyList<FiredRule> RulesFired, IReadOnlyList<string> RuleErrors);

public static class QuoteEndpoints
{
    public static void MapQuoteEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/pricing/quote", Quote).RequireAuthorization(Policies.Read).DisableAntiforgery().WithName("PricingQuote");
    }

    private static Results<Ok<QuoteResponse>, ValidationProblem> Quote(QuoteRequest? request, QuoteService quotes, TimeProvider clock)
    {
        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON usage context is required."] });
        }

        var (context, errors) = quotes.Validate(request, clock.GetUtcNow());
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The usage context is not valid.");
        }

        var explained = quotes.Quote(context);
        return TypedResults.Ok(explained);
    }
}

/// <summary>Checks a quote request against the price book and prices it with the rating engine, explained.</summary>
public sealed class QuoteService(PriceBookProvider priceBook, RulesRatingEngine rating)
{
    public const long MaxTokens = 1_000_000_000_000;

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

        if ((r.InputTokens ?? 0) + (r.OutputTokens ?? 0) == 0 && !errors.ContainsKey("inputTokens") && !errors.ContainsKey("outputTokens"))
        {
            errors["inputTokens"] = ["Quote at least one token."];
        }

        var context = new UsageContext(r.PackageId ?? 0, r.ModelId ?? 0, r.CustomerId ?? 0, r.RegionCode?.Trim() ?? "", r.IndustryCode?.Trim() ?? "", segment,
            r.Timestamp ?? now, r.InputTokens ?? 0, r.OutputTokens ?? 0, r.CustomerMonthlyTokens ?? 0);
        return (context, errors);
    }

    public QuoteResponse Quote(in UsageContext context)
    {
        var explained = rating.Explain(context);
        var r = explained.Rating;
        return new QuoteResponse(r.Revenue, r.BaseRevenue, r.ComputeCost, "CNY", r.RuleSetVersion, explained.Fired, explained.Errors);
    }
}
