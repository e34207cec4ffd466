namespace TokenConsole.Features.Overview;

/// <summary>The overview's KPIs, read from the rollups and the catalog.</summary>
public static class OverviewModule
{
    public static void AddOverview(this IHostApplicationBuilder builder) => builder.Services.AddScoped<OverviewService>();

    /// <summary>The overview has a page only, no endpoints of its own.</summary>
    public static void MapOverview(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
    }
}
