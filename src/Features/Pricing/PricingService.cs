using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>Reads the price rule set versions and the price changes.</summary>
public sealed class PricingService(IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public async Task<IReadOnlyList<PriceRuleSetVersion>> RuleSetVersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.PriceRuleSetVersions.AsNoTracking().OrderByDescending(v => v.Number).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PriceChange>> PriceChangesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.PriceChanges.AsNoTracking().OrderByDescending(c => c.Id).ToListAsync(cancellationToken);
    }
}

public static class PricingServiceCollectionExtensions
{
    public static void AddPricing(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PricingService>();
        builder.Services.AddSingleton<PriceBookProvider>();
        builder.Services.AddSingleton<RuleSetProvider>();
        builder.Services.AddSingleton<RulesRatingEngine>();
        // Usage ingestion rates every event through this: the package price, then the active price rules.
        builder.Services.AddSingleton<IRatingEngine>(sp => sp.GetRequiredService<RulesRatingEngine>());
        builder.Services.AddSingleton<QuoteService>();
        builder.Services.AddScoped<PriceChangeService>();
        builder.Services.AddScoped<ImpactSimulator>();
        builder.Services.AddSingleton<PriceChangeScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PriceChangeScheduler>());
    }
}
