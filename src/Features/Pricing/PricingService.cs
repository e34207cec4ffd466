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
        builder.Services.AddSingleton<IRatingEngine, PackagePriceRatingEngine>();
    }
}
