using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>
/// The rules engine, price changes, simulation, quotes and rating. Other features rate through
/// <see cref="IRatingEngine"/>; the price book and the active ruleset follow the reference-data events.
/// </summary>
public static class PricingModule
{
    public static void AddPricing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<PricingService>();
        builder.Services.AddSingleton<PriceBookProvider>();
        builder.Services.AddSingleton<IReferenceDataSubscriber>(sp => sp.GetRequiredService<PriceBookProvider>());
        builder.Services.AddSingleton<RuleSetProvider>();
        builder.Services.AddSingleton<IReferenceDataSubscriber>(sp => sp.GetRequiredService<RuleSetProvider>());
        builder.Services.AddSingleton<RulesRatingEngine>();
        // Usage ingestion rates every event through this: the package price, then the active price rules.
        builder.Services.AddSingleton<IRatingEngine>(sp => sp.GetRequiredService<RulesRatingEngine>());
        builder.Services.AddSingleton<QuoteService>();
        builder.Services.AddScoped<PriceChangeService>();
        builder.Services.AddScoped<ImpactSimulator>();
        builder.Services.AddSingleton<PriceChangeScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PriceChangeScheduler>());
    }

    public static void MapPricing(this IEndpointRouteBuilder endpoints) => endpoints.MapQuoteEndpoints();
}
