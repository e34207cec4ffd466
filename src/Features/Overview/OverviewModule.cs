namespace TokenConsole.Features.Overview;

/// <summary>The overview's KPIs, read from the rollups and the catalog, and the pending reviews (app bar and overview).</summary>
public static class OverviewModule
{
    public static void AddOverview(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<OverviewService>();
        // Pending reviews: one source per kind of decision; credit notes add theirs when they exist.
        builder.Services.AddScoped<PendingReviewsService>();
        builder.Services.AddScoped<IReviewSource, PackageReviewSource>();
        builder.Services.AddScoped<IReviewSource, PriceChangeReviewSource>();
        builder.Services.AddSingleton<PendingReviewsSignal>();
        builder.Services.AddSingleton<Data.IReferenceDataSubscriber>(sp => sp.GetRequiredService<PendingReviewsSignal>());
    }

    /// <summary>The overview has a page only, no endpoints of its own.</summary>
    public static void MapOverview(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
    }
}
